/**
 * Feature readings on disk across a crash: a SIM daemon (the real CLI) reads its symbols and
 * writes them behind to LevelDB; killed with SIGKILL and restarted on the same data dir, it shows
 * the saved reading on GET /api/symbol as stale (older than the restart) and serves the history,
 * while nothing trades on it: the hot list (fresh readings only) stays empty. The restart drops
 * every market-data frame of its venue (a sim fault), so no fresh reading can replace the saved
 * one before the test looks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, processScope, type RunningDaemon } from './daemon.process.ts';

const scope = processScope('fleet-features-disk-');
const { tmp } = scope;

const BTC = 'bybit-linear:BTCUSDT';
const PATH = `/api/symbol/${encodeURIComponent(BTC)}`;

interface Features { mid?: number; ts?: number; stale?: boolean; ageMs?: number; regime?: string; scoreLong?: number }

function config(name: string, extra: Record<string, unknown> = {}): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, JSON.stringify({ venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT'] } }, arbitrage: { enabled: false }, ...extra }));
  return file;
}

async function start(dataDir: string, configFile: string) {
  const d = await scope.start(dataDir, ['--config', configFile, '--seed', '4']);
  const get = async (p: string) => {
    const res = await fetch(d.url + p);
    return res.ok ? res.json() : undefined;
  };
  return { d, get };
}

/** Adds the end of the daemon's log to a timeout, to say why it waited in vain. */
const explain = (d: RunningDaemon) => (e: unknown): never => {
  throw new Error(`${(e as Error).message}\n--- daemon output (end) ---\n${d.output().slice(-3000)}`);
};

describe('features on disk', () => {
  // Two daemon starts on a shared CI box: generous bounds, no speed asserted.
  it('shows the features saved before a SIGKILL as stale after the restart, with their history', { timeout: 150_000 }, async () => {
    const dataDir = join(tmp.dir, 'data');
    const first = await start(dataDir, config('first.json'));
    const live = await eventually(async () => {
      const f = ((await first.get(PATH)) as { features: Features } | undefined)?.features;
      return f?.mid && f.mid > 0 ? f : undefined;
    }, 'a fresh BTC reading', 40_000).catch(explain(first.d));
    expect(live.stale).toBe(false);
    // Two flushes on disk: the history endpoint reads LevelDB.
    const history = await eventually(async () => {
      const h = (await first.get(`${PATH}/features/history`)) as { readings: Features[] } | undefined;
      return h && h.readings.length >= 2 ? h.readings : undefined;
    }, 'two saved BTC readings', 20_000).catch(explain(first.d));
    const lastSaved = history.at(-1)!.ts!;
    first.d.proc.kill('SIGKILL');
    expect((await first.d.exited).signal).toBe('SIGKILL');

    const restartedAt = Date.now();
    const second = await start(dataDir, config('second.json', { sim: { faults: [{ venue: 'bybit-linear', kind: 'drop', count: 1_000_000_000, afterMs: 0 }] } }));
    const shown = await eventually(async () => {
      const f = ((await second.get(PATH)) as { features: Features } | undefined)?.features;
      return f?.mid ? f : undefined;
    }, 'BTC known again with its saved features', 40_000).catch(explain(second.d));
    expect(shown.stale).toBe(true);
    expect(shown.ts!).toBeLessThan(restartedAt);
    expect(shown.ts!).toBeGreaterThanOrEqual(lastSaved);
    expect(shown.ageMs!).toBeGreaterThanOrEqual(restartedAt - shown.ts!);
    expect(shown.regime).toMatch(/^(NORMAL|PUMP|MANIPULATED|NEWS_DRIVEN|COOLDOWN)$/);
    expect(typeof shown.scoreLong).toBe('number');
    // Saved readings are for the operator only: nothing fresh, so nothing to rank or trade.
    expect(await second.get('/api/hotlist')).toEqual([]);
    const after = (await second.get(`${PATH}/features/history`)) as { readings: Features[] };
    expect(after.readings.length).toBeGreaterThanOrEqual(2);
    expect(after.readings.map((r) => r.ts)).toEqual([...after.readings.map((r) => r.ts!)].sort((a, b) => a - b));
    expect(after.readings.at(-1)!.ts).toBe(shown.ts);
    expect(await second.get(`/api/symbol/${encodeURIComponent('bybit-linear:NOPEUSDT')}/features/history`)).toBeUndefined();
  });
});
