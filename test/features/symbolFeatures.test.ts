/**
 * One symbol's features composed: the view reads the same numbers as the parts (imbalance, flow,
 * fees, news), and the pump engine sees volume, trade rate and book depth against baselines this
 * class keeps: a quiet market reads NONE, a sharp rise on a volume burst reads PUMPING.
 */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { Trade } from '../../src/model/market.ts';
import { OrderBook } from '../../src/market/orderBook.ts';
import { Candles } from '../../src/market/candles.ts';
import { NewsBoard } from '../../src/features/news.ts';
import { bookImbalance } from '../../src/features/imbalance.ts';
import { SymbolFeatures } from '../../src/features/symbolFeatures.ts';

const INST = makeInstrument({ venue: 'bybit-linear', symbol: 'WIFUSDT', kind: 'perp', base: 'WIF', quote: 'USDT', tickSize: '0.0001', lotSize: '1' });
const FEES = { schedule: { maker: 0.0002, taker: 0.00055 }, leverage: 5 };

/** A book around `midTicks`: 10 levels a side of `lots` each, one tick apart, the spread one tick. */
function book(midTicks: number, lots = 1000, bidLots = lots): OrderBook {
  const b = new OrderBook(INST.id);
  const bids: number[] = [];
  const asks: number[] = [];
  for (let i = 0; i < 10; i++) {
    bids.push(midTicks - 1 - i, bidLots);
    asks.push(midTicks + 1 + i, lots);
  }
  b.loadSnapshot(bids, asks);
  return b;
}

let id = 0;
const trade = (ts: number, priceTicks: number, qty: number, aggressor: 'buy' | 'sell'): Trade => ({ kind: 'trade', instrument: INST.id, tsEvent: ts, tsRecv: ts, tradeId: String(++id), price: priceTicks, qty, aggressor });

describe('SymbolFeatures', () => {
  it('reads imbalance, flow, fees and news as the parts compute them', () => {
    const news = new NewsBoard();
    const f = new SymbolFeatures(INST, FEES, news);
    const candles = new Candles(INST.id);
    const b = book(18_500, 1000, 3000);
    f.onBook(b, 1_000);
    for (const t of [trade(1_100, 18_501, 400, 'buy'), trade(1_200, 18_499, 100, 'sell')]) {
      f.onTrade(t);
      candles.onTrade(t);
    }
    news.set({ scope: 'WIF', impact: 'high', type: 'exploit', at: 1_000, until: 100_000 });
    const v = f.view(b, candles, 1_500);
    expect(v.instrument).toBe(INST.id);
    // mid 1.85, spread 2 ticks = 0.0002 ⇒ 0.0002 / 1.85 × 1e4 ≈ 1.081 bps.
    expect(v.mid).toBeCloseTo(1.85, 12);
    expect(v.spreadBps).toBeCloseTo(1.0811, 3);
    expect(v.imbalance).toEqual(bookImbalance(b, INST, 10));
    expect(v.imbalance.top).toBeCloseTo((3000 - 1000) / 4000, 12);
    expect(v.flow).toMatchObject({ buyVolume: 400, sellVolume: 100, delta: 300, deltaRatio: 0.6 });
    // Taker in and out: 5.5 + 5.5 bps + the 2 bps buffer.
    expect(v.fees.minMoveBps).toBeCloseTo(13, 9);
    expect(v.news.flag).toMatchObject({ impact: 'high', type: 'exploit' });
    expect(v.news.fresh).toBe(true);
    expect(v.pump.phase).toBe('NONE');
  });

  it('a sharp rise on a burst of volume against a quiet baseline is a pump', () => {
    const f = new SymbolFeatures(INST, FEES, new NewsBoard());
    const candles = new Candles(INST.id);
    let ts = 0;
    let price = 18_500;
    // Ten quiet minutes: one small trade a second, the price still.
    for (; ts < 600_000; ts += 1000) {
      const b = book(price);
      f.onBook(b, ts);
      const t = trade(ts, price + 1, 10, ts % 2000 === 0 ? 'buy' : 'sell');
      f.onTrade(t);
      candles.onTrade(t);
      expect(f.view(b, candles, ts).pump.phase).toBe('NONE');
    }
    // Then 30 s of buying ten times a second, 100× the size, the price up 0.2 % a second, the book thinner.
    const phases = new Set<string>();
    for (let k = 0; k < 300; k++, ts += 100) {
      if (k % 10 === 0) price = Math.round(price * 1.002);
      const b = book(price, 300);
      f.onBook(b, ts);
      const t = trade(ts, price + 1, 1000, 'buy');
      f.onTrade(t);
      candles.onTrade(t);
      phases.add(f.view(b, candles, ts).pump.phase);
    }
    expect(phases.has('PUMPING')).toBe(true);
  });
});
