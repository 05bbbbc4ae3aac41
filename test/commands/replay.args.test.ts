/**
 * `fleet replay`'s bad input: a clear message and exit code 2 for arguments it cannot run with
 * (no file, no recordings in a data dir, a bad speed, --from after --to), and a recording with
 * damaged lines replayed whole through the daemon with the lines counted, never fatal. A data
 * dir's recording is read for its header without loading the file (an hour is gigabytes).
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReplayRecording } from '../../src/bench/replayRecording.ts';
import { tempDir } from '../helpers.ts';
import { runCli } from '../integration/daemon.process.ts';
import { firstLine } from '../../src/commands/replay.ts';

const tmp = tempDir('fleet-replay-args-');
afterAll(() => tmp.cleanup());

describe('fleet replay: arguments it cannot run with', () => {
  it('refuses a missing file, an empty data dir, a bad speed and --from after --to, with exit code 2', async () => {
    const file = join(tmp.dir, 'tiny.jsonl');
    writeFileSync(file, '');
    const cases: [string[], RegExp][] = [
      [['replay', join(tmp.dir, 'nowhere.jsonl')], /no recording at .*nowhere\.jsonl/],
      [['replay', '--from-log', tmp.dir], /no recordings in .*recordings \(the daemon keeps them with market\.recordFrames: true\)/],
      [['replay', file, '--speed', '0'], /--speed takes a positive number or 'max', got '0'/],
      [['replay', file, '--speed', 'fast'], /--speed takes a positive number or 'max', got 'fast'/],
      [['replay', file, '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'], /--from 2026-01-02T00:00:00Z is after --to 2026-01-01T00:00:00Z/],
      [['replay', file, '--from', 'yesterday'], /--from takes an ISO time or epoch ms, got 'yesterday'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--data-dir', join(tmp.dir, 'data')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  }, 60_000);
});

describe('fleet replay: a damaged recording', () => {
  it('replays every good line through the daemon and counts the bad ones', async () => {
    const file = join(tmp.dir, 'damaged.jsonl');
    await buildReplayRecording({ file, assets: 2, durationMs: 3000, venues: ['bybit-linear'] });
    const good = readFileSync(file, 'utf8').trim().split('\n');
    const last = JSON.parse(good.at(-1)!) as { ts: number };
    // Not JSON, an unknown venue, a frame the venue's parser refuses, a line cut short.
    appendFileSync(file, ['{not json', JSON.stringify({ type: 'ws', ts: last.ts, venue: 'nowhere', conn: 1, frame: '{}' }), JSON.stringify({ type: 'ws', ts: last.ts, venue: 'bybit-linear', conn: 1, frame: '{"topic":' }), '{"type":"ws","ts":'].join('\n') + '\n');
    const dataDir = join(tmp.dir, 'data');
    const r = await runCli(['replay', file, '--data-dir', dataDir, '--hash']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/; \d+ frames, 3 bad lines; out: /);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^sha256=[0-9a-f]{64}$/);
    // The good lines were replayed: every book synced.
    const events = readFileSync(join(dataDir, 'replays', 'damaged', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === 'book.synced')).toHaveLength(2);
  }, 60_000);

  it('takes a data dir recording\'s config from its header, and names the file when it is not usable', async () => {
    const dir = join(tmp.dir, 'logdir');
    mkdirSync(join(dir, 'recordings'), { recursive: true });
    const file = join(dir, 'recordings', '2026-01-01T00.jsonl');
    // A header whose config is not valid: the message names the file.
    writeFileSync(file, JSON.stringify({ type: 'recording', config: { mode: 'warp' } }) + '\n' + 'x'.repeat(1024) + '\n');
    const r = await runCli(['replay', '--from-log', dir, '--data-dir', join(tmp.dir, 'data2')]);
    expect(r.code).toBe(2);
    // The key and the reason, as for a config file, then what to do.
    expect(r.stderr).toMatch(/config recorded in .*2026-01-01T00\.jsonl: mode: expected one of 'sim', 'dry', 'live', 'signal', received 'warp'/);
    expect(r.stderr).toMatch(/the config recorded in .*2026-01-01T00\.jsonl is not usable; pass --config FILE/);
  }, 60_000);
});

describe('firstLine', () => {
  it('returns the first line whatever its length, without the rest of the file', () => {
    const file = join(tmp.dir, 'lines.jsonl');
    const long = 'h'.repeat(200 * 1024); // longer than one read
    writeFileSync(file, `${long}\nsecond\nthird\n`);
    expect(firstLine(file)).toBe(long);
    writeFileSync(file, 'only, no newline');
    expect(firstLine(file)).toBe('only, no newline');
    writeFileSync(file, '');
    expect(firstLine(file)).toBe('');
    writeFileSync(file, '{"type":"recording","note":"é"}\n{"type":"ws"}\n');
    expect(firstLine(file)).toBe('{"type":"recording","note":"é"}');
  });
});
