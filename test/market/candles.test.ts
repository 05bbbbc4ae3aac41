import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANDLE_INTERVALS, CandleSeries, Candles, INTERVAL_MS, type Candle, type CandleInterval } from '../../src/market/candles.ts';
import type { Side, Trade } from '../../src/model/market.ts';

const INST = 'bybit:BTCUSDT';
let serial = 0;

function trade(tsEvent: number, price: number, qty: number, aggressor: Side = 'buy'): Trade {
  return { kind: 'trade', instrument: INST, tradeId: `t${serial++}`, price, qty, aggressor, tsEvent, tsRecv: tsEvent };
}

/** A candle as the tests write it: [start, open, high, low, close, buy, sell, trades]. */
type Row = [number, number, number, number, number, number, number, number];

function rows(candles: Candle[]): Row[] {
  return candles.map((c) => [c.start, c.open, c.high, c.low, c.close, c.buyVolume, c.sellVolume, c.trades]);
}

function series(iv = 1000, capacity = 300): CandleSeries {
  return new CandleSeries(iv, capacity);
}

describe('CandleSeries windows and OHLC', () => {
  it('opens at the first trade, tracks high/low, closes on the last trade received', () => {
    const s = series();
    s.onTrade(trade(1000, 100, 1));
    s.onTrade(trade(1200, 105, 2, 'sell'));
    s.onTrade(trade(1300, 98, 3));
    s.onTrade(trade(1999, 101, 4, 'sell'));
    expect(rows(s.snapshot(5))).toEqual([[1000, 100, 105, 98, 101, 4, 6, 4]]);
    const [c] = s.snapshot(1);
    expect(c).toMatchObject({ end: 2000, volume: 10, delta: -2, closed: false });
    expect(s.size).toBe(0);
  });

  it.each<[string, number, number[]]>([
    ['one ms before the edge stays', 1999, [1000]],
    ['exactly on the edge opens the next', 2000, [1000, 2000]],
    ['one ms after the edge opens the next', 2001, [1000, 2000]],
  ])('edge: %s', (_name, ts, starts) => {
    const s = series();
    s.onTrade(trade(1000, 100, 1));
    s.onTrade(trade(ts, 101, 1));
    expect(s.snapshot(10).map((c) => c.start)).toEqual(starts);
  });

  it.each<[CandleInterval, number, number]>([
    ['1s', 14_999, 14_000],
    ['3s', 14_999, 12_000],
    ['5s', 14_999, 10_000],
    ['15s', 14_999, 0],
    ['15s', 15_000, 15_000],
    ['3s', 3_000, 3_000],
  ])('%s windows are aligned to the epoch: a trade at %i is in the one starting %i', (interval, ts, start) => {
    const c = new Candles(INST);
    c.onTrade(trade(ts, 100, 1));
    expect(c.snapshot(interval, 1)[0]!.start).toBe(start);
    expect(c.snapshot(interval, 1)[0]!.end).toBe(start + INTERVAL_MS[interval]);
  });

  it('delta is buy minus sell', () => {
    const s = series();
    s.onTrade(trade(0, 100, 3, 'buy'));
    s.onTrade(trade(1, 100, 5, 'sell'));
    expect(s.snapshot(1)[0]).toMatchObject({ buyVolume: 3, sellVolume: 5, delta: -2, volume: 8 });
    s.onTrade(trade(2, 100, 4, 'buy'));
    expect(s.snapshot(1)[0]!.delta).toBe(2);
  });
});

describe('CandleSeries gaps and closing', () => {
  it('fills windows with no trades with flat candles at the previous close', () => {
    const s = series();
    s.onTrade(trade(1500, 100, 1));
    s.onTrade(trade(1600, 102, 1, 'sell'));
    s.onTrade(trade(4200, 110, 2)); // 2000 and 3000 had no trades
    expect(rows(s.snapshot(10))).toEqual([
      [1000, 100, 102, 100, 102, 1, 1, 2],
      [2000, 102, 102, 102, 102, 0, 0, 0],
      [3000, 102, 102, 102, 102, 0, 0, 0],
      // A candle with trades opens at its first trade, not at the previous close.
      [4000, 110, 110, 110, 110, 2, 0, 1],
    ]);
    expect(s.snapshot(10).map((c) => c.closed)).toEqual([true, true, true, false]);
    expect(s.size).toBe(3);
  });

  it('closeUpTo closes windows that ended at or before ts, and only those', () => {
    const s = series();
    s.onTrade(trade(1000, 100, 1));
    expect(s.closeUpTo(1999)).toBe(0);
    expect(s.closeUpTo(2000)).toBe(1);
    expect(s.openStart).toBe(2000);
    expect(s.closeUpTo(2000)).toBe(0); // idempotent
    expect(s.closeUpTo(5500)).toBe(3); // 2000, 3000, 4000
    expect(s.openStart).toBe(5000);
    expect(rows(s.snapshot(2))).toEqual([
      [4000, 100, 100, 100, 100, 0, 0, 0],
      [5000, 100, 100, 100, 100, 0, 0, 0],
    ]);
    expect(s.closeUpTo(100)).toBe(0); // time going backwards closes nothing
  });

  it('makes no candle before the first trade: there is no price to carry', () => {
    const s = series();
    expect(s.closeUpTo(1e12)).toBe(0);
    expect(s.snapshot(10)).toEqual([]);
    expect(s.hasOpen).toBe(false);
    expect(s.lastClose()).toBeNaN();
    s.onTrade(trade(1e12 + 500, 7, 1)); // and a trade after such a call is not late
    expect(s.snapshot(10).length).toBe(1);
  });

  it('counts and drops a trade older than the open window', () => {
    const s = series();
    s.onTrade(trade(1000, 100, 1));
    s.onTrade(trade(2100, 101, 1));
    expect(s.onTrade(trade(1999, 500, 9))).toBe(false);
    expect(s.late).toBe(1);
    expect(rows(s.snapshot(10))).toEqual([
      [1000, 100, 100, 100, 100, 1, 0, 1],
      [2000, 101, 101, 101, 101, 1, 0, 1],
    ]);
    // Out of order inside the open window is fine: arrival order decides the close.
    expect(s.onTrade(trade(2050, 99, 1))).toBe(true);
    expect(s.snapshot(1)[0]).toMatchObject({ low: 99, close: 99, trades: 2 });
  });

  it.each<[string, number, number, number[]]>([
    // capacity 3, first trade at 0, then closeUpTo(ts): [added, starts of history + open]
    ['history not yet full', 2000, 2, [0, 1000, 2000]],
    ['fills it exactly', 3000, 3, [0, 1000, 2000, 3000]],
    ['empties == capacity overwrite the real candle', 4000, 3, [1000, 2000, 3000, 4000]],
    ['a long silence writes only the last `capacity` windows', 10_500, 3, [7000, 8000, 9000, 10_000]],
    ['a very long silence costs the same', 86_400_000, 3, [86_397_000, 86_398_000, 86_399_000, 86_400_000]],
  ])('wraps the history: %s', (_name, ts, added, starts) => {
    const s = series(1000, 3);
    s.onTrade(trade(0, 100, 1));
    expect(s.closeUpTo(ts)).toBe(added);
    expect(s.snapshot(10).map((c) => c.start)).toEqual(starts);
    expect(s.size).toBe(Math.min(3, starts.length - 1));
  });

  it('keeps the newest closed candles when trades wrap the history', () => {
    const s = series(1000, 3);
    for (let i = 0; i < 6; i++) s.onTrade(trade(i * 1000 + 10, 100 + i, 1));
    expect(rows(s.snapshot(10)).map((r) => r[1])).toEqual([102, 103, 104, 105]);
    expect(s.snapshot(2).map((c) => c.start)).toEqual([4000, 5000]);
    expect(s.snapshot(1).map((c) => c.closed)).toEqual([false]);
    expect(s.snapshot(0)).toEqual([]);
  });

  it('forEachClosed walks newest first with a reused view and stops on false', () => {
    const s = series();
    for (let i = 0; i < 4; i++) s.onTrade(trade(i * 1000, 10 + i, 1));
    const starts: number[] = [];
    const views = new Set<object>();
    s.forEachClosed(10, (v, k) => {
      starts.push(v.start);
      views.add(v);
      return k < 1;
    });
    expect(starts).toEqual([2000, 1000]);
    expect(views.size).toBe(1);
  });

  it('refuses bad options', () => {
    expect(() => new CandleSeries(0)).toThrow(RangeError);
    expect(() => new CandleSeries(1000, 0)).toThrow(RangeError);
  });
});

describe('Candles (four intervals)', () => {
  it('feeds every interval and closes them together', () => {
    const c = new Candles(INST);
    c.onTrade(trade(0, 100, 2, 'buy'));
    c.onTrade(trade(2500, 103, 1, 'sell'));
    c.onTrade(trade(14_000, 99, 4, 'sell'));
    expect(rows(c.snapshot('15s', 5))).toEqual([[0, 100, 103, 99, 99, 2, 5, 3]]);
    expect(rows(c.snapshot('5s', 5))).toEqual([
      [0, 100, 103, 100, 103, 2, 1, 2],
      [5000, 103, 103, 103, 103, 0, 0, 0],
      [10_000, 99, 99, 99, 99, 0, 4, 1],
    ]);
    expect(c.snapshot('3s', 10).length).toBe(5);
    expect(c.snapshot('1s', 100).length).toBe(15);
    // At 15 s: 1 s closes 14 000, 3 s closes 12 000, 5 s closes 10 000, 15 s closes 0.
    expect(c.closeUpTo(15_000)).toBe(4);
    for (const i of CANDLE_INTERVALS) expect(c.snapshot(i, 1)[0]).toMatchObject({ start: 15_000, close: 99, volume: 0 });
  });

  it('drops a trade late for the 1 s window from every interval, so they keep adding up', () => {
    const c = new Candles(INST);
    c.onTrade(trade(10_000, 100, 1));
    c.onTrade(trade(11_000, 100, 1));
    // 10 500 is inside the open 15 s window but the 1 s window 10 000 is closed.
    expect(c.onTrade(trade(10_500, 100, 7))).toBe(false);
    expect(c.late).toBe(1);
    for (const i of CANDLE_INTERVALS) {
      expect(c.snapshot(i, 100).reduce((a, k) => a + k.volume, 0)).toBe(2);
      expect(c.series[i].late).toBe(0);
    }
  });
});

/** The obvious candles: group accepted trades by window, then fill the gaps. */
function reference(trades: Trade[], iv: number, until: number): Row[] {
  if (trades.length === 0) return [];
  const w = (ts: number) => Math.floor(ts / iv) * iv;
  const out: Row[] = [];
  let close = NaN;
  for (let start = w(trades[0]!.tsEvent); start <= w(until); start += iv) {
    const inWin = trades.filter((t) => w(t.tsEvent) === start);
    if (inWin.length === 0) {
      out.push([start, close, close, close, close, 0, 0, 0]);
      continue;
    }
    const px = inWin.map((t) => t.price);
    close = px[px.length - 1]!;
    const vol = (side: Side) => inWin.filter((t) => t.aggressor === side).reduce((a, t) => a + t.qty, 0);
    out.push([start, px[0]!, Math.max(...px), Math.min(...px), close, vol('buy'), vol('sell'), inWin.length]);
  }
  return out;
}

describe('Candles against a reference (property)', () => {
  it('every interval equals trades grouped by window, with flat fills, after late ones are dropped', () => {
    const op = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('trade' as const), dt: fc.integer({ min: -2500, max: 4000 }), price: fc.integer({ min: 90, max: 110 }), qty: fc.integer({ min: 1, max: 9 }), buy: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), dt: fc.integer({ min: -1000, max: 20_000 }) }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(op, { maxLength: 120 }), (t0, ops) => {
        const c = new Candles(INST, { history: 10_000 });
        const accepted: Trade[] = [];
        let now = t0 * 1000 + (t0 % 997); // not on a window edge in general
        let frontier = -Infinity; // the latest time seen since the first trade
        for (const o of ops) {
          now = Math.max(0, now + o.dt);
          if (o.kind === 'close') {
            c.closeUpTo(now);
            if (accepted.length > 0) frontier = Math.max(frontier, now);
            continue;
          }
          const t = trade(now, o.price, o.qty, o.buy ? 'buy' : 'sell');
          const late = accepted.length > 0 && now < Math.floor(frontier / 1000) * 1000;
          expect(c.onTrade(t)).toBe(!late);
          if (!late) {
            accepted.push(t);
            frontier = Math.max(frontier, now);
          }
        }
        for (const i of CANDLE_INTERVALS) {
          expect(rows(c.snapshot(i, 1e9))).toEqual(reference(accepted, INTERVAL_MS[i], frontier));
        }
      }),
      { numRuns: 300 },
    );
  });
});
