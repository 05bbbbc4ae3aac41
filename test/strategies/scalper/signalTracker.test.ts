import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, type Signal } from '../../../src/strategies/scalper/signals.ts';
import { DEFAULT_TRACKER_OPTIONS, SignalTracker, type ClosedSignal } from '../../../src/strategies/scalper/signalTracker.ts';

const T0 = Date.UTC(2024, 2, 10, 12, 0, 0);
const SOL = 'bybit-linear:SOLUSDT';

/**
 * A long at 100.00: stop 99.85 (15 bps of risk), TP1 100.15, TP2 100.30, break-even stop 100.11
 * (entry + the 11 bps round trip), 17 850 USDT suggested.
 */
const LONG: Signal = {
  id: `${SOL}:long:${T0}`, instrument: SOL, asset: 'SOL', side: 'long', ts: T0,
  entry: 100, stop: 99.85, tp1: 100.15, tp2: 100.3, breakEvenStop: 100.11,
  quality: 0.82, tier: 'HIGH', conditions: [], suggestedQty: 178.5, suggestedNotional: 17_850,
  riskReward: 1, expectedHoldMs: 27_000, feesBps: 11, regime: 'NORMAL',
};
/** The mirror short: stop 100.15, TP1 99.85, TP2 99.70, break-even 99.89. */
const SHORT: Signal = { ...LONG, id: `${SOL}:short:${T0}`, side: 'short', stop: 100.15, tp1: 99.85, tp2: 99.7, breakEvenStop: 99.89 };

const OPTS = { ...DEFAULT_TRACKER_OPTIONS, maxHoldMs: 60_000 };

/** Feeds prices one second apart from T0 + 1 s; returns every close. */
function run(s: Signal, prices: readonly number[], t = new SignalTracker(OPTS)): { t: SignalTracker; closed: ClosedSignal[] } {
  t.open(s);
  const closed: ClosedSignal[] = [];
  prices.forEach((p, k) => closed.push(...t.onPrice(s.instrument, s.ts + (k + 1) * 1000, p)));
  return { t, closed };
}

function only(closed: ClosedSignal[]): ClosedSignal {
  expect(closed).toHaveLength(1);
  return closed[0]!;
}

describe('tracker paths by hand', () => {
  it('stop first: −15 bps gross, −26 after fees, −1.733 R', () => {
    const { t, closed } = run(LONG, [100.05, 99.9, 99.85]);
    const c = only(closed);
    expect(c.outcome).toBe('stop');
    expect(c.tp1Hit).toBe(false);
    expect(c.exits).toEqual([{ reason: 'stop', at: T0 + 3000, price: 99.85, fraction: 1 }]);
    expect(c.grossBps).toBeCloseTo(-15, 9);
    expect(c.pnlBps).toBeCloseTo(-26, 9);
    expect(c.rMultiple).toBeCloseTo(-26 / 15, 9);
    expect(c.pnlQuote).toBeCloseTo(-46.41, 6); // −26 bps of 17 850
    // MFE 5 bps at 100.05; MAE 15 bps at the stop.
    expect(c.mfeBps).toBeCloseTo(5, 9);
    expect(c.maeBps).toBeCloseTo(15, 9);
    expect(c.holdMs).toBe(3000);
    expect(t.openSignals()).toEqual([]);
    expect(t.limitState(T0 + 4000).lastLossAt).toEqual({ [SOL]: T0 + 3000 });
  });

  it('a gap through the stop fills at the price: −20 gross, −31 net', () => {
    const c = only(run(LONG, [99.8]).closed);
    expect(c.exits[0]!.price).toBe(99.8);
    expect(c.pnlBps).toBeCloseTo(-31, 9);
    expect(c.maeBps).toBeCloseTo(20, 9);
  });

  it('TP1 then TP2: half at +15, half at +30 ⇒ 22.5 gross, 11.5 net, 0.767 R', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    expect(t.onPrice(SOL, T0 + 1000, 100.15)).toEqual([]);
    expect(t.openSignals()).toEqual([LONG]);
    expect(t.onPrice(SOL, T0 + 2000, 100.2)).toEqual([]);
    const c = only([...t.onPrice(SOL, T0 + 3000, 100.3)]);
    expect(c.outcome).toBe('tp2');
    expect(c.tp1Hit).toBe(true);
    expect(c.exits).toEqual([
      { reason: 'tp1', at: T0 + 1000, price: 100.15, fraction: 0.5 },
      { reason: 'tp2', at: T0 + 3000, price: 100.3, fraction: 0.5 },
    ]);
    expect(c.grossBps).toBeCloseTo(22.5, 9);
    expect(c.pnlBps).toBeCloseTo(11.5, 9);
    expect(c.rMultiple).toBeCloseTo(11.5 / 15, 9);
    expect(c.mfeBps).toBeCloseTo(30, 9);
    expect(c.maeBps).toBe(0);
    expect(t.limitState(T0 + 4000).lastLossAt).toEqual({});
  });

  it('TP1 then back to break-even: half at +15, half at +11 ⇒ 13 gross, 2 net, 0.133 R', () => {
    const c = only(run(LONG, [100.16, 100.12, 100.11]).closed);
    expect(c.outcome).toBe('breakeven');
    expect(c.exits.map((e) => [e.reason, e.price])).toEqual([['tp1', 100.15], ['breakeven', 100.11]]);
    expect(c.grossBps).toBeCloseTo(13, 9);
    expect(c.pnlBps).toBeCloseTo(2, 9);
    expect(c.rMultiple).toBeCloseTo(2 / 15, 9);
    expect(c.mfeBps).toBeCloseTo(16, 9);
    expect(c.maeBps).toBe(0);
  });

  it('TP1 then a gap below break-even fills at the price: 7.5 + 0 gross, −3.5 net: a loss', () => {
    const { t, closed } = run(LONG, [100.15, 100]);
    const c = only(closed);
    expect(c.outcome).toBe('breakeven');
    expect(c.pnlBps).toBeCloseTo(-3.5, 9);
    expect(t.limitState(T0).lastLossAt[SOL]).toBe(T0 + 2000);
  });

  it('one price through TP1 and TP2 takes both', () => {
    const c = only(run(LONG, [100.4]).closed);
    expect(c.exits.map((e) => [e.reason, e.price, e.fraction])).toEqual([['tp1', 100.15, 0.5], ['tp2', 100.3, 0.5]]);
    expect(c.pnlBps).toBeCloseTo(11.5, 9);
    expect(c.mfeBps).toBeCloseTo(40, 9);
  });

  it('expiry after maxHoldMs at the price then: +5 gross, −6 net, −0.4 R', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    expect(t.onPrice(SOL, T0 + 59_999, 100.05)).toEqual([]);
    const c = only([...t.onPrice(SOL, T0 + 60_000, 100.05)]);
    expect(c.outcome).toBe('expiry');
    expect(c.holdMs).toBe(60_000);
    expect(c.pnlBps).toBeCloseTo(-6, 9);
    expect(c.rMultiple).toBeCloseTo(-0.4, 9);
  });

  it('expiry after TP1 keeps the TP1 half: 7.5 + 0.5 × 12 = 13.5 gross', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    t.onPrice(SOL, T0 + 1000, 100.15);
    const c = only([...t.onPrice(SOL, T0 + 60_000, 100.12)]);
    expect(c.outcome).toBe('expiry');
    expect(c.tp1Hit).toBe(true);
    expect(c.grossBps).toBeCloseTo(13.5, 9);
  });

  it('a level on the expiry tick counts before the expiry', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    expect(only([...t.onPrice(SOL, T0 + 60_000, 99.85)]).outcome).toBe('stop');
  });

  it('onTime closes a quiet signal at its last price once expired', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    t.onPrice(SOL, T0 + 1000, 99.95);
    expect(t.onTime(T0 + 59_999)).toEqual([]);
    const c = only([...t.onTime(T0 + 60_000)]);
    expect(c.outcome).toBe('expiry');
    expect(c.exits[0]!.price).toBe(99.95);
    expect(c.pnlBps).toBeCloseTo(-16, 9);
  });

  it('the short mirrors: stop first, then TP1 → TP2', () => {
    const stop = only(run(SHORT, [99.95, 100.15]).closed);
    expect(stop.outcome).toBe('stop');
    expect(stop.pnlBps).toBeCloseTo(-26, 9);
    expect(stop.mfeBps).toBeCloseTo(5, 9);
    expect(stop.maeBps).toBeCloseTo(15, 9);
    const win = only(run(SHORT, [99.85, 99.7]).closed);
    expect(win.outcome).toBe('tp2');
    expect(win.pnlBps).toBeCloseTo(11.5, 9);
    const be = only(run(SHORT, [99.85, 99.89]).closed);
    expect(be.outcome).toBe('breakeven');
    expect(be.pnlBps).toBeCloseTo(2, 9);
  });

  it('prices of another instrument leave the signal alone', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    expect(t.onPrice('bybit-linear:BTCUSDT', T0 + 61_000, 1)).toEqual([]);
    expect(t.openSignals()).toHaveLength(1);
  });

  it('refuses to open the same id twice', () => {
    const t = new SignalTracker(OPTS);
    t.open(LONG);
    expect(() => t.open(LONG)).toThrow(/already open/);
  });

  it('keeps at most keepClosed closed signals, the newest', () => {
    const t = new SignalTracker({ ...OPTS, keepClosed: 2 });
    for (let k = 0; k < 3; k++) {
      t.open({ ...LONG, id: `s${k}`, ts: T0 + k });
      t.onPrice(SOL, T0 + k + 1, 99);
    }
    expect(t.closed().map((c) => c.signal.id)).toEqual(['s1', 's2']);
  });
});

describe('limit state', () => {
  it('counts opened signals per tier for the UTC day and resets at midnight', () => {
    const t = new SignalTracker(OPTS);
    const midnight = Date.UTC(2024, 2, 11);
    t.open({ ...LONG, id: 'a', ts: midnight - 2 });
    t.open({ ...LONG, id: 'b', ts: midnight - 1, tier: 'LOW', instrument: 'bybit-linear:XRPUSDT', asset: 'XRP' });
    expect(t.limitState(midnight - 1).today).toEqual({ HIGH: 1, MEDIUM: 0, LOW: 1 });
    expect(t.limitState(midnight).today).toEqual({ HIGH: 0, MEDIUM: 0, LOW: 0 });
    t.open({ ...LONG, id: 'c', ts: midnight, instrument: 'bybit-linear:ADAUSDT', asset: 'ADA' });
    expect(t.limitState(midnight).today).toEqual({ HIGH: 1, MEDIUM: 0, LOW: 0 });
    expect(t.limitState(midnight).open.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('feeds admit: a loss blocks the instrument for the cooldown', () => {
    const { t } = run(LONG, [99.85]);
    const next = { ...LONG, id: 'next', ts: T0 + 2000 };
    const a = admit(next, t.limitState(next.ts));
    expect(a.ok).toBe(false);
  });
});

describe('JSON round trip', () => {
  it('a tracker restored mid-trade (after TP1) ends exactly like the original', () => {
    const ADA = 'bybit-linear:ADAUSDT';
    const a = new SignalTracker(OPTS);
    a.open(LONG);
    a.open({ ...SHORT, id: 'ada', instrument: ADA, asset: 'ADA' });
    a.onPrice(SOL, T0 + 1000, 100.16); // the long: TP1, stop to 100.11, MFE 16
    a.onPrice(ADA, T0 + 1000, 99.95); // the short: MFE 5, still before TP1
    a.open({ ...LONG, id: 'btc', instrument: 'bybit-linear:BTCUSDT', asset: 'BTC', entry: 60_000, stop: 59_900, tp1: 60_100, tp2: 60_200, breakEvenStop: 60_066 });
    a.onPrice('bybit-linear:BTCUSDT', T0 + 1500, 59_900); // a closed loss
    const b = SignalTracker.from(JSON.parse(JSON.stringify(a.toJSON())), OPTS);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.limitState(T0 + 2000)).toEqual(a.limitState(T0 + 2000));
    expect(b.limitState(T0 + 2000).today).toEqual({ HIGH: 3, MEDIUM: 0, LOW: 0 });
    for (const [inst, ts, price] of [[SOL, T0 + 2000, 100.11], [ADA, T0 + 2000, 99.85], [ADA, T0 + 3000, 99.7]] as const) {
      expect(b.onPrice(inst, ts, price)).toEqual(a.onPrice(inst, ts, price));
    }
    expect(b.closed()).toEqual(a.closed());
    // btc: stop; SOL long: TP1 then break-even (2 bps net); ADA short: TP1 then TP2 (11.5 bps net, MFE 30).
    expect(a.closed().map((c) => [c.signal.id, c.outcome])).toEqual([['btc', 'stop'], [LONG.id, 'breakeven'], ['ada', 'tp2']]);
    expect(a.closed()[1]!.pnlBps).toBeCloseTo(2, 9);
    expect(a.closed()[2]!.pnlBps).toBeCloseTo(11.5, 9);
    expect(a.closed()[2]!.mfeBps).toBeCloseTo(30, 9);
    expect(b.openSignals()).toEqual([]);
  });

  it('mutating the original after toJSON does not change the snapshot', () => {
    const a = new SignalTracker(OPTS);
    a.open(LONG);
    const snap = JSON.stringify(a.toJSON());
    a.onPrice(SOL, T0 + 1000, 100.15);
    expect(JSON.stringify(SignalTracker.from(JSON.parse(snap), OPTS).toJSON())).toBe(snap);
  });
});

describe('tracker properties', () => {
  it('exits add up to the whole size, PnL sits within the excursions, MFE/MAE are the path extremes', () => {
    const path = fc.array(fc.integer({ min: 9950, max: 10050 }).map((x) => x / 100), { minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(fc.boolean(), path, (isLong, prices) => {
        const s = isLong ? LONG : SHORT;
        const d = isLong ? 1 : -1;
        const t = new SignalTracker(OPTS);
        t.open(s);
        let mfe = 0;
        let mae = 0;
        let closed: ClosedSignal | undefined;
        for (let k = 0; k < prices.length && !closed; k++) {
          const m = ((d * (prices[k]! - s.entry)) / s.entry) * 1e4;
          mfe = Math.max(mfe, m);
          mae = Math.max(mae, -m);
          closed = t.onPrice(SOL, T0 + (k + 1) * 1000, prices[k]!)[0];
        }
        if (!closed) {
          expect(t.openSignals()).toHaveLength(1);
          return;
        }
        expect(closed.exits.reduce((a, e) => a + e.fraction, 0)).toBeCloseTo(1, 12);
        expect(closed.mfeBps).toBeCloseTo(mfe, 9);
        expect(closed.maeBps).toBeCloseTo(mae, 9);
        expect(closed.grossBps).toBeLessThanOrEqual(mfe + 1e-6);
        expect(closed.grossBps).toBeGreaterThanOrEqual(-mae - 1e-6);
        expect(closed.pnlBps).toBeCloseTo(closed.grossBps - s.feesBps, 9);
        expect(t.openSignals()).toHaveLength(0);
      }),
    );
  });
});
