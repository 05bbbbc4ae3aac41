/**
 * Smoke test of the `scalper` measurement of `fleet bench` on a tiny market: it runs the real
 * path (MarketData with synced Bybit books, FeatureService, the scalper's tick, symbol charts in
 * the ActorRuntime over LevelDB) and returns sane numbers: every symbol gets exactly one
 * conflated tick per event-loop turn, every tick is taken by its chart, latencies and rates are
 * finite and positive. No timing thresholds: the numbers depend on the machine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchScalperTicks, measureScalperTicks } from '../../src/bench/scalperTicks.ts';

const number = (value: string): number => Number(value.replaceAll(',', ''));
const TINY = { symbols: 12, deltasPerTurn: 36, tradeEvery: 4, warmupTurns: 3, turnsPerRun: 5, runs: 2 } as const;

describe('measureScalperTicks', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('delivers one conflated tick per symbol per turn, each taken by its chart, with positive rates and latencies', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    const r = await measureScalperTicks(TINY);

    // 36 deltas round-robin over 12 symbols: 3 per symbol per turn, conflated into one tick.
    expect(r.ticks).toBe(TINY.runs * TINY.turnsPerRun * TINY.symbols);
    expect(r.decisions).toBe(r.ticks);
    expect(r.deltasPerTick).toBe(3);
    expect(r.symbols).toBe(TINY.symbols);
    for (const [name, v] of Object.entries({ ticksPerSec: r.ticksPerSec, deltasPerSec: r.deltasPerSec, p50: r.p50, p99: r.p99, newestP50: r.newestP50, newestP99: r.newestP99 })) {
      expect(Number.isFinite(v) && v > 0, `${name} = ${v}`).toBe(true);
    }
    // The oldest delta of a tick arrived no later than its newest one.
    expect(r.p50).toBeGreaterThanOrEqual(r.newestP50);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    expect(r.max).toBeGreaterThanOrEqual(r.p99);
    expect(r.ingestShare).toBeGreaterThan(0);
    expect(r.ingestShare + r.sendShare).toBeLessThanOrEqual(1);
    expect(Object.values(r.states).reduce((a, b) => a + b, 0)).toBe(TINY.symbols);
    expect(Number.isFinite(r.bytesPerActor)).toBe(true);
  });

  it('returns four rows with units, progress on stderr only', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    const stdout = vi.spyOn(process.stdout, 'write');

    const rows = await benchScalperTicks(TINY);

    expect(rows.map((r) => r.unit)).toEqual(['ticks/s', 'ms', 'ms', 'KiB']);
    expect(rows[0]!.measurement).toContain(`${TINY.symbols} symbol actors`);
    expect(rows[0]!.notes).toContain('3.0 deltas conflated per tick');
    for (const r of rows.slice(0, 3)) {
      expect(Number.isFinite(number(r.value)), `${r.measurement}: ${r.value}`).toBe(true);
      expect(number(r.value)).toBeGreaterThan(0);
    }
    expect(number(rows[2]!.value)).toBeGreaterThanOrEqual(number(rows[1]!.value));
    expect(rows[1]!.notes).toContain(`${TINY.runs * TINY.turnsPerRun * TINY.symbols}/${TINY.runs * TINY.turnsPerRun * TINY.symbols} ticks taken`);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.filter((l) => l.startsWith('[bench] scalper: run '))).toHaveLength(TINY.runs);
  });
});
