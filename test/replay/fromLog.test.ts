/**
 * `fleet replay --from-log DIR`: a daemon in SIM that keeps its raw frames (`market.recordFrames`)
 * leaves hourly recordings in its data dir with the config it ran with (secrets removed); replaying
 * that data dir runs the session's market through the whole daemon again, deterministically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { ScaledClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { runCli } from '../integration/daemon.process.ts';

const tmp = tempDir('fleet-fromlog-');
afterAll(() => tmp.cleanup());

describe('replay from a data dir', () => {
  it('replays the frames a daemon kept, with its recorded config, the same way twice', async () => {
    const base = defaultConfig();
    const dataDir = join(tmp.dir, 'session');
    const d = await startDaemon({
      config: {
        ...base,
        mode: 'sim',
        venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'WIFUSDT'], key: 'k-should-not-be-kept', secret: 's-should-not-be-kept' } },
        market: { ...base.market, recordFrames: true },
        scalper: { ...base.scalper, watchThreshold: 0.25, armThreshold: 0.3, universe: { ...base.scalper.universe, warmupMs: 1000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1000 } },
      },
      overrides: { port: 0 },
      dataDir,
      logger: silentLogger(),
      env: {},
      clock: new ScaledClock(10),
      sim: { seed: 3, scenario: 'calm' },
    });
    await new Promise((r) => setTimeout(r, 3000));
    await d.close();

    const files = readdirSync(join(dataDir, 'recordings'));
    expect(files.length).toBeGreaterThan(0);
    const text = readFileSync(join(dataDir, 'recordings', files[0]!), 'utf8');
    const header = JSON.parse(text.split('\n', 1)[0]!) as { type: string; config: { scalper: { watchThreshold: number } } };
    expect(header.type).toBe('recording');
    expect(header.config.scalper.watchThreshold).toBe(0.25);
    expect(text).not.toContain('should-not-be-kept');

    const out = join(tmp.dir, 'replays');
    const a = await runCli(['replay', '--from-log', dataDir, '--hash', '--data-dir', out]);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['replay', '--from-log', dataDir, '--hash', '--data-dir', out]);
    expect(b.stdout.trim().split('\n').at(-1)).toBe(a.stdout.trim().split('\n').at(-1));
    expect(a.stdout).toMatch(/sha256=[0-9a-f]{64}\n$/);
    const events = readFileSync(join(out, 'replays', 'log-session', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; actor?: string });
    // The session's symbols ran their charts again.
    expect(events.some((e) => e.type === 'transition' && e.actor === 'symbol:bybit-linear:BTCUSDT')).toBe(true);
    expect((await runCli(['replay', '--from-log', join(tmp.dir, 'nothing-here')])).code).toBe(2);
  }, 120_000);
});
