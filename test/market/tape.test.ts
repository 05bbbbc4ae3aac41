import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEDUP_WINDOW, DEFAULT_TAPE_CAPACITY, TradeTape, type TapeTrade } from '../../src/market/tape.ts';
import type { Side, Trade } from '../../src/model/market.ts';

const INST = 'bybit:BTCUSDT';

function trade(tradeId: string, price: number, qty: number, aggressor: Side, tsEvent = 1_000): Trade {
  return { kind: 'trade', instrument: INST, tradeId, price, qty, aggressor, tsEvent, tsRecv: tsEvent + 3 };
}

function ids(tape: TradeTape, n = 1e9): string[] {
  return tape.recent(n).map((t) => t.tradeId);
}

describe('TradeTape', () => {
  it('has the documented defaults', () => {
    const tape = new TradeTape(INST);
    expect(tape.capacity).toBe(DEFAULT_TAPE_CAPACITY);
    expect(DEFAULT_TAPE_CAPACITY).toBe(2000);
    expect(DEFAULT_DEDUP_WINDOW).toBe(128);
    expect(tape.size).toBe(0);
    expect(tape.recent(10)).toEqual([]);
    expect(tape.lastPrice()).toBeNaN();
  });

  it('returns trades newest first, as pushed', () => {
    const tape = new TradeTape(INST);
    tape.push(trade('a', 100, 5, 'buy', 1000));
    tape.push(trade('b', 101, 2, 'sell', 1001));
    tape.push(trade('c', 99, 7, 'buy', 1002));
    expect(tape.size).toBe(3);
    expect(tape.recent(2)).toEqual<TapeTrade[]>([
      { tradeId: 'c', price: 99, qty: 7, aggressor: 'buy', tsEvent: 1002 },
      { tradeId: 'b', price: 101, qty: 2, aggressor: 'sell', tsEvent: 1001 },
    ]);
    expect(tape.lastPrice()).toBe(99);
  });

  it.each<[number, number, string[]]>([
    [3, 2, ['t2', 't1']], // below capacity
    [3, 3, ['t3', 't2', 't1']], // exactly full
    [3, 4, ['t4', 't3', 't2']], // wrapped once
    [3, 10, ['t10', 't9', 't8']], // wrapped several times
    [1, 5, ['t5']],
  ])('capacity %i after %i pushes keeps %j', (capacity, pushes, expected) => {
    const tape = new TradeTape(INST, { capacity });
    for (let i = 1; i <= pushes; i++) tape.push(trade(`t${i}`, 100 + i, 1, 'buy'));
    expect(tape.size).toBe(Math.min(capacity, pushes));
    expect(ids(tape)).toEqual(expected);
    expect(tape.lastPrice()).toBe(100 + pushes);
    // Running counters cover every trade, not only those still held.
    expect(tape.buyLots).toBe(pushes);
  });

  it('forEachRecent walks newest first, stops on false, and honours n', () => {
    const tape = new TradeTape(INST, { capacity: 4 });
    for (let i = 1; i <= 6; i++) tape.push(trade(`t${i}`, i, i * 10, i % 2 ? 'buy' : 'sell', 1000 + i));
    const seen: [number, number, Side, number, string, number][] = [];
    tape.forEachRecent(10, (price, qty, side, ts, id, index) => {
      seen.push([price, qty, side, ts, id, index]);
      return index < 2;
    });
    expect(seen).toEqual([
      [6, 60, 'sell', 1006, 't6', 0],
      [5, 50, 'buy', 1005, 't5', 1],
      [4, 40, 'sell', 1004, 't4', 2],
    ]);
    let calls = 0;
    tape.forEachRecent(0, () => {
      calls++;
    });
    expect(calls).toBe(0);
  });

  it('keeps running buy/sell counters and the delta sign', () => {
    const tape = new TradeTape(INST);
    tape.push(trade('1', 100, 5, 'buy'));
    tape.push(trade('2', 100, 3, 'sell'));
    tape.push(trade('3', 100, 4, 'sell'));
    expect(tape).toMatchObject({ buyLots: 5, sellLots: 7, buyTrades: 1, sellTrades: 2 });
    expect(tape.totalLots).toBe(12);
    expect(tape.delta).toBe(-2);
    tape.push(trade('4', 100, 10, 'buy'));
    expect(tape.delta).toBe(8);
  });

  it('drops a resent trade id and does not count it', () => {
    const tape = new TradeTape(INST);
    expect(tape.push(trade('x1', 100, 5, 'buy'))).toBe(true);
    expect(tape.push(trade('x2', 101, 5, 'sell'))).toBe(true);
    expect(tape.push(trade('x1', 100, 5, 'buy'))).toBe(false);
    expect(tape.size).toBe(2);
    expect(tape.duplicates).toBe(1);
    expect(tape.buyLots).toBe(5);
  });

  it('forgets ids older than the dedup window', () => {
    const tape = new TradeTape(INST, { dedupWindow: 3 });
    for (const id of ['a', 'b', 'c']) tape.push(trade(id, 1, 1, 'buy'));
    expect(tape.push(trade('a', 1, 1, 'buy'))).toBe(false); // still remembered
    tape.push(trade('d', 1, 1, 'buy')); // evicts 'a'
    expect(tape.push(trade('b', 1, 1, 'buy'))).toBe(false);
    expect(tape.push(trade('a', 1, 1, 'buy'))).toBe(true);
    expect(ids(tape)).toEqual(['a', 'd', 'c', 'b', 'a']);
  });

  it('never takes an empty id for a duplicate, and a window of 0 disables suppression', () => {
    const tape = new TradeTape(INST);
    expect(tape.push(trade('', 1, 1, 'buy'))).toBe(true);
    expect(tape.push(trade('', 1, 1, 'buy'))).toBe(true);
    const off = new TradeTape(INST, { dedupWindow: 0 });
    expect(off.push(trade('z', 1, 1, 'buy'))).toBe(true);
    expect(off.push(trade('z', 1, 1, 'buy'))).toBe(true);
    expect(off.duplicates).toBe(0);
  });

  it.each<[string, number, number]>([
    ['NaN price (a failed parse)', Number.NaN, 1],
    ['zero size', 100, 0],
    ['negative size', 100, -1],
    ['infinite price', Number.POSITIVE_INFINITY, 1],
  ])('refuses %s without touching the counters', (_name, price, qty) => {
    const tape = new TradeTape(INST);
    expect(tape.push(trade('bad', price, qty, 'buy'))).toBe(false);
    expect(tape).toMatchObject({ invalid: 1, buyLots: 0, size: 0 });
    // The refused id is not remembered: a corrected resend is accepted.
    expect(tape.push(trade('bad', 100, 1, 'buy'))).toBe(true);
  });

  it('refuses another instrument and bad options', () => {
    const tape = new TradeTape(INST);
    expect(() => tape.push({ ...trade('1', 1, 1, 'buy'), instrument: 'okx:BTC-USDT' })).toThrow(RangeError);
    expect(() => new TradeTape(INST, { capacity: 0 })).toThrow(RangeError);
    expect(() => new TradeTape(INST, { capacity: 2.5 })).toThrow(RangeError);
    expect(() => new TradeTape(INST, { dedupWindow: -1 })).toThrow(RangeError);
  });
});

describe('TradeTape against a reference (property)', () => {
  it('holds the last `capacity` accepted trades and drops ids seen in the last `window` accepted ones', () => {
    const arb = fc.record({
      capacity: fc.integer({ min: 1, max: 20 }),
      window: fc.integer({ min: 0, max: 10 }),
      trades: fc.array(fc.record({ id: fc.integer({ min: 0, max: 15 }), qty: fc.integer({ min: 1, max: 50 }), buy: fc.boolean() }), { maxLength: 200 }),
    });
    fc.assert(
      fc.property(arb, ({ capacity, window, trades }) => {
        const tape = new TradeTape(INST, { capacity, dedupWindow: window });
        const accepted: { id: string; qty: number; buy: boolean }[] = [];
        trades.forEach((t, i) => {
          const id = `id${t.id}`;
          const dup = window > 0 && accepted.slice(-window).some((a) => a.id === id);
          expect(tape.push(trade(id, 100 + i, t.qty, t.buy ? 'buy' : 'sell', i))).toBe(!dup);
          if (!dup) accepted.push({ id, qty: t.qty, buy: t.buy });
        });
        expect(ids(tape)).toEqual(
          accepted
            .slice(-capacity)
            .reverse()
            .map((a) => a.id),
        );
        expect(tape.buyLots).toBe(accepted.filter((a) => a.buy).reduce((s, a) => s + a.qty, 0));
        expect(tape.sellLots).toBe(accepted.filter((a) => !a.buy).reduce((s, a) => s + a.qty, 0));
        expect(tape.duplicates).toBe(trades.length - accepted.length);
      }),
      { numRuns: 300 },
    );
  });
});
