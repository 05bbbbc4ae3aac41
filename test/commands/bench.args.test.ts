/**
 * `fleet bench` refuses arguments it cannot run with before measuring anything: an unknown
 * measurement, a positional argument, and a replay length outside 1–1440 simulated minutes.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/commands/bench.ts';
import { ErrorCodes } from '../../src/core/errors.ts';

describe('fleet bench arguments', () => {
  it.each([
    [['--only', 'warp'], /--only takes start, .*replay; unknown: warp/],
    [['now'], /fleet bench takes no arguments, got 'now'/],
    [['--only', 'replay', '--replay-minutes', '0'], /--replay-minutes takes a number of simulated minutes from 1 to 1440, got '0'/],
    [['--only', 'replay', '--replay-minutes', 'an hour'], /--replay-minutes takes .* got 'an hour'/],
    [['--only', 'replay', '--replay-minutes', '1441'], /from 1 to 1440, got '1441'/],
  ])('%j is refused', async (args, message) => {
    await expect(runBench(args)).rejects.toMatchObject({ code: ErrorCodes.BAD_ARGUMENTS, message: expect.stringMatching(message) });
  });
});
