import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExposureWatchdog, netBaseByAsset } from '../../../src/strategies/arbitrage/exposure.ts';
import { Ledger } from '../../../src/risk/ledger.ts';

const m = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));
const NONE = m({});

function watchdog(graceMs = 3000, tol: Record<string, number> = { BTC: 0.001, ETH: 0.01 }): ExposureWatchdog {
  return new ExposureWatchdog({ graceMs, tolerance: (a) => tol[a] ?? 0 });
}

describe('exposure watchdog', () => {
  it('never alarms on a blip shorter than the grace period', () => {
    const w = watchdog();
    expect(w.check(0, m({ BTC: 0.5 }), NONE)).toEqual({ alarms: [], cleared: [] });
    expect(w.check(2999, m({ BTC: 0.5 }), NONE)).toEqual({ alarms: [], cleared: [] });
    // back to flat before 3000 ms: nothing to clear either
    expect(w.check(3500, m({ BTC: 0 }), NONE)).toEqual({ alarms: [], cleared: [] });
    // a new episode starts the clock again: 3600 → 6000 is 2400 ms
    w.check(3600, m({ BTC: 0.5 }), NONE);
    expect(w.check(6000, m({ BTC: 0.5 }), NONE).alarms).toEqual([]);
  });

  it('alarms once for a sustained exposure, then stays silent until it clears', () => {
    const w = watchdog();
    w.check(1000, m({ BTC: 0.5 }), NONE);
    // 4000 − 1000 = 3000 ms beyond tolerance = the grace: alarm, dated from its start
    expect(w.check(4000, m({ BTC: 0.4 }), NONE)).toEqual({ alarms: [{ asset: 'BTC', unexplained: 0.4, since: 1000 }], cleared: [] });
    expect(w.check(5000, m({ BTC: 0.4 }), NONE)).toEqual({ alarms: [], cleared: [] });
    expect(w.check(60_000, m({ BTC: -0.2 }), NONE)).toEqual({ alarms: [], cleared: [] });
    expect(w.alarmed()).toEqual(['BTC']);
    expect(w.check(61_000, m({ BTC: 0.0005 }), NONE)).toEqual({ alarms: [], cleared: ['BTC'] });
    expect(w.alarmed()).toEqual([]);
    expect(w.check(62_000, m({ BTC: 0 }), NONE)).toEqual({ alarms: [], cleared: [] });
    // a later exposure alarms again, once
    w.check(70_000, m({ BTC: 1 }), NONE);
    expect(w.check(73_000, m({ BTC: 1 }), NONE).alarms).toEqual([{ asset: 'BTC', unexplained: 1, since: 70_000 }]);
  });

  it('clears an asset that disappears from both maps', () => {
    const w = watchdog(0);
    expect(w.check(0, m({ ETH: 1 }), NONE).alarms).toHaveLength(1);
    expect(w.check(1, NONE, NONE).cleared).toEqual(['ETH']);
  });

  it('does not alarm on exposure that open sagas explain', () => {
    const w = watchdog();
    // 0.5 BTC long from a hedged perp leg plus a spot leg in flight: explained 0.5 → unexplained 0
    for (let t = 0; t <= 10_000; t += 1000) expect(w.check(t, m({ BTC: 0.5, ETH: -2 }), m({ BTC: 0.5, ETH: -2 })).alarms).toEqual([]);
    // explained 0.3 of 0.5 → 0.2 unexplained for 3 s: alarm for 0.2 (0.5 − 0.3)
    w.check(11_000, m({ BTC: 0.5 }), m({ BTC: 0.3 }));
    const alarm = w.check(14_000, m({ BTC: 0.5 }), m({ BTC: 0.3 })).alarms[0]!;
    expect(alarm.asset).toBe('BTC');
    expect(alarm.unexplained).toBeCloseTo(0.2, 12);
  });

  it('tolerates up to the asset’s tolerance, exclusive of more', () => {
    const w = watchdog(0);
    expect(w.check(0, m({ BTC: 0.001, ETH: -0.01 }), NONE).alarms).toEqual([]); // |x| = tolerance: fine
    expect(w.check(1, m({ BTC: 0.0011, ETH: -0.01 }), NONE).alarms.map((a) => a.asset)).toEqual(['BTC']);
    // an asset without tolerance (0) alarms on any unexplained amount
    expect(w.check(2, m({ BTC: 0.0011, SOL: 0.000001 }), NONE).alarms.map((a) => a.asset)).toEqual(['SOL']);
  });

  it('treats an exposure that cannot be computed as beyond tolerance', () => {
    const w = watchdog(1000);
    w.check(0, m({ BTC: Number.NaN }), NONE);
    expect(w.check(1000, m({ BTC: Number.NaN }), NONE).alarms.map((a) => a.asset)).toEqual(['BTC']);
  });

  it('alarms exactly when an exposure has lasted the grace period (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.boolean()), { maxLength: 60 }), fc.integer({ min: 0, max: 5000 }), (steps, grace) => {
        const w = watchdog(grace, { BTC: 0.1 });
        let t = 0;
        let since: number | undefined;
        let alarmed = false;
        for (const [dt, exposed] of steps) {
          t += dt;
          const r = w.check(t, m({ BTC: exposed ? 1 : 0 }), NONE);
          if (!exposed) {
            expect(r.cleared).toEqual(alarmed ? ['BTC'] : []);
            since = undefined;
            alarmed = false;
            continue;
          }
          since ??= t;
          const due = !alarmed && t - since >= grace;
          expect(r.alarms).toEqual(due ? [{ asset: 'BTC', unexplained: 1, since }] : []);
          if (due) alarmed = true;
        }
      }),
    );
  });
});

describe('net base by asset', () => {
  it('adds perp positions in base and spot holdings above the baseline', () => {
    const ledger = new Ledger();
    ledger.deposit('binance-spot', 'BTC', '1');
    ledger.deposit('binance-spot', 'USDT', '100000');
    const baseline = ledger.balances();
    const fill = { fee: '0', feeAsset: 'USDT', ts: 1, quote: 'USDT' } as const;
    // Spot: buy 0.2 BTC on binance-spot (hedge leg)
    ledger.applyFill({ ...fill, venue: 'binance-spot', instrument: 'binance-spot:BTCUSDT', kind: 'spot', base: 'BTC', side: 'buy', qty: '0.2', price: '50000', tradeId: 't1' });
    // Perp: short 20 contracts of 0.01 BTC on OKX = −0.2 BTC
    ledger.applyFill({ ...fill, venue: 'okx', instrument: 'okx:BTC-USDT-SWAP', kind: 'perp', base: 'BTC', side: 'sell', qty: '20', price: '50010', contractSize: '0.01', tradeId: 't2' });
    // Perp: long 3 ETH on bybit (unhedged)
    ledger.applyFill({ ...fill, venue: 'bybit-linear', instrument: 'bybit-linear:ETHUSDT', kind: 'perp', base: 'ETH', side: 'buy', qty: '3', price: '3000', tradeId: 't3' });
    const instruments: Record<string, { base: string; contractSize?: string }> = {
      'okx:BTC-USDT-SWAP': { base: 'BTC', contractSize: '0.01' },
      'bybit-linear:ETHUSDT': { base: 'ETH' },
    };
    const net = netBaseByAsset(ledger.positions(), ledger.balances(), baseline, (id) => instruments[id]);
    // BTC: spot 1.2 − baseline 1 + perp 20 × 0.01 × (−1) = 0.2 − 0.2 = 0; ETH: +3; USDT is quote, not exposure
    expect([...net]).toEqual([
      ['BTC', 0],
      ['ETH', 3],
    ]);
  });

  it('refuses a position on an unknown instrument', () => {
    expect(() => netBaseByAsset([{ instrument: 'x:Y', qty: '1' }], {}, {}, () => undefined)).toThrow(/unknown instrument x:Y/);
  });
});
