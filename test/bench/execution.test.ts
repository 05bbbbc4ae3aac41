/**
 * Smoke test of the `execution` measurement of `fleet bench` with tiny counts: it runs the real
 * order path (actor runtime, LevelDB, OrderManager, pre-trade checks, paper adapter) and returns
 * well-formed rows with finite numbers. The bench itself throws when an order does not end as its
 * path says (FILLED through paper, DENIED by the checks), so this also covers that the path works.
 * No timing thresholds: the numbers depend on the machine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchExecution } from '../../src/bench/execution.ts';

const number = (value: string): number => Number(value.replaceAll(',', ''));

describe('benchExecution', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns one row per measurement with finite positive values, progress on stderr only', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    const stdout = vi.spyOn(process.stdout, 'write');

    const rows = await benchExecution({ orders: 12, concurrency: 4, runs: 2, checks: 500 });

    expect(rows.map((r) => r.unit)).toEqual(['ms', 'ms', 'ms', 'ms', 'orders/s', 'checks/s', 'orders/s', 'orders/s']);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['measurement', 'notes', 'unit', 'value']);
      expect(r.measurement.trim()).not.toBe('');
      expect(Number.isFinite(number(r.value)), `${r.measurement}: ${r.value}`).toBe(true);
      expect(number(r.value)).toBeGreaterThan(0);
    }
    const [seqP50, seqP99, concP50, concP99] = rows.map((r) => number(r.value));
    expect(seqP99).toBeGreaterThanOrEqual(seqP50!);
    expect(concP99).toBeGreaterThanOrEqual(concP50!);
    expect(rows[0]!.measurement).toContain('sequential (12 orders)');
    expect(rows[2]!.measurement).toContain('4 concurrent');
    expect(rows[0]!.notes).toMatch(/\d+ cores; \d\.\d\d fsynced commits\/order, one in flight \d+% of wall time; n=2/);
    expect(rows[6]!.notes).toMatch(/\d\.\d\d fsynced commits\/order/);

    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.filter((l) => l.startsWith('[bench] execution: run '))).toHaveLength(2);
    expect(stderr.filter((l) => l.startsWith('[bench] execution: checkOrder run '))).toHaveLength(2);
  });
});
