import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketGenerator, SCENARIOS, type ScenarioName } from '../../../src/sim/market/generator.ts';
import { ReplayMarket, run } from './replay.ts';

/** Runs a generator and checks every book after every step: never crossed, never thin, always on the grid (ReplayBook.parse throws otherwise). */
function checkBooks(seed: number, scenario: ScenarioName, steps: number): { changed: number; updates: number } {
  const gen = new MarketGenerator({ seed, scenario, startTime: 0 });
  const market = new ReplayMarket(gen);
  let changed = 0;
  let updates = 0;
  run(gen, steps, (s) => {
    market.apply(s);
    for (const u of s.updates) {
      const book = market.book(u.venue, u.symbol);
      changed += (u.change.bids?.length ?? 0) + (u.change.asks?.length ?? 0);
      updates++;
      if (!(book.bestBid() < book.bestAsk())) throw new Error(`${u.venue}:${u.symbol} crossed at ${s.time}: ${book.bestBid()} >= ${book.bestAsk()}`);
      if (book.bids.size < 50 || book.asks.size < 50) throw new Error(`${u.venue}:${u.symbol} thin at ${s.time}: ${book.bids.size}/${book.asks.size}`);
    }
  });
  return { changed, updates };
}

describe('simulated books', () => {
  it.each(SCENARIOS)('%s: never cross, keep 50+ levels a side, stay on the grid with one string per level', (scenario) => {
    // Long enough for each scenario's events (the pump-dump cycle takes about two minutes).
    const { changed, updates } = checkBooks(11, scenario, scenario === 'pump-dump' ? 1_600 : 800);
    // Deltas, not snapshots: a step touches a handful of a book's 100+ levels.
    expect(changed / updates).toBeLessThan(25);
  });

  it('start with 50+ levels a side, a spread of a few ticks, sizes growing away from the top', () => {
    const gen = new MarketGenerator({ seed: 3, scenario: 'calm', startTime: 0 });
    const market = new ReplayMarket(gen);
    const ratios: number[] = [];
    for (const [id, book] of market.books) {
      expect(book.bids.size, id).toBeGreaterThanOrEqual(50);
      expect(book.asks.size, id).toBeGreaterThanOrEqual(50);
      const spread = book.bestAsk() - book.bestBid();
      expect(spread, id).toBeGreaterThanOrEqual(1);
      expect(spread, id).toBeLessThanOrEqual(5);
      const asks = [...book.asks.entries()].sort((a, b) => a[0] - b[0]).map(([, q]) => q);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      ratios.push(sum(asks.slice(40, 50)) / sum(asks.slice(0, 10)));
    }
    // Heavy-tailed sizes make single books noisy; across books the depth clearly grows.
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(2);
    expect(ratios.filter((r) => r > 1).length / ratios.length).toBeGreaterThan(0.8);
  });

  it('writes prices with the venue step as written ("97018.30" for a 0.10 tick)', () => {
    const gen = new MarketGenerator({ seed: 3, scenario: 'calm', startTime: 0 });
    const btc = gen.initialBooks().find((u) => u.venue === 'binance-usdm' && u.symbol === 'BTCUSDT')!;
    for (const [px] of btc.change.bids!) expect(px).toMatch(/^\d+\.\d0$/);
    const okx = gen.initialBooks().find((u) => u.venue === 'okx' && u.symbol === 'BTC-USDT-SWAP')!;
    for (const [px, sz] of okx.change.asks!) {
      expect(px).toMatch(/^\d+\.\d$/);
      expect(sz).toMatch(/^\d+\.\d\d$/); // contracts of 0.01 BTC, lot 0.01
    }
  });

  it('property: any seed and scenario keeps every book uncrossed and on the grid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...SCENARIOS), (seed, scenario) => {
        checkBooks(seed, scenario, 120);
      }),
      { numRuns: 12 },
    );
  });
});
