import { describe, expect, it } from 'vitest';
import { instrumentId } from '../../../src/model/instrument.ts';
import { MarketGenerator, type ScenarioName, type SimStep } from '../../../src/sim/market/generator.ts';
import { ReplayMarket, run } from './replay.ts';

/**
 * Replays trades against the book as it stood before the step: each print must be at the then
 * best price of the side it takes from, no larger than the level, and the step's delta must leave
 * the consumed level at what remained (or gone, when the requote moved past it).
 */
function checkTrades(scenario: ScenarioName, steps: number): { prints: number; buys: number; sizes: number[] } {
  const gen = new MarketGenerator({ seed: 5, scenario, startTime: 0 });
  const market = new ReplayMarket(gen);
  const ids = new Map<string, Set<string>>();
  let prints = 0;
  let buys = 0;
  const sizes: number[] = [];
  let from = gen.time;
  run(gen, steps, (s: SimStep) => {
    for (const l of s.listings) market.book(l.venue, l.symbol);
    for (const u of s.updates) {
      const book = market.book(u.venue, u.symbol);
      const asks = new Map(book.asks);
      const bids = new Map(book.bids);
      const consumed = new Map<number, 'bid' | 'ask'>();
      const seen = ids.get(instrumentId(u.venue, u.symbol)) ?? new Set<string>();
      ids.set(instrumentId(u.venue, u.symbol), seen);
      for (const t of u.trades) {
        prints++;
        if (seen.has(t.id)) throw new Error(`duplicate trade id ${t.id} on ${u.venue}:${u.symbol}`);
        seen.add(t.id);
        expect(t.ts).toBeGreaterThan(from);
        expect(t.ts).toBeLessThanOrEqual(s.time);
        const [px, qty] = book.parse([t.price, t.qty]);
        expect(qty).toBeGreaterThan(0);
        sizes.push(qty * book.qty.toNumber(1) * Number(book.spec.contractSize ?? '1') * book.price.toNumber(px));
        const side = t.side === 'buy' ? asks : bids;
        if (t.side === 'buy') buys++;
        const best = t.side === 'buy' ? Math.min(...side.keys()) : Math.max(...side.keys());
        if (px !== best) throw new Error(`${u.venue}:${u.symbol} ${t.side} at ${t.price} but the best was ${best}`);
        const left = side.get(px)! - qty;
        if (left < 0) throw new Error(`${u.venue}:${u.symbol} trade ${t.qty} larger than the level`);
        if (left === 0) side.delete(px);
        else side.set(px, left);
        consumed.set(px, t.side === 'buy' ? 'ask' : 'bid');
      }
      book.apply(u);
      for (const [px, sideName] of consumed) {
        const expected = (sideName === 'ask' ? asks : bids).get(px);
        const actual = (sideName === 'ask' ? book.asks : book.bids).get(px);
        if (actual === undefined) {
          // Gone: fully taken, or the price moved through it, or a big move re-centred the book and cut it from the tail.
          if (expected !== undefined) {
            const levels = [...(sideName === 'ask' ? book.asks : book.bids).keys()];
            const outside = sideName === 'ask' ? px < Math.min(...levels) || px > Math.max(...levels) : px > Math.max(...levels) || px < Math.min(...levels);
            expect(outside).toBe(true);
          }
        } else expect(actual).toBe(expected);
      }
    }
    from = s.time;
  });
  return { prints, buys, sizes };
}

describe('simulated trades', () => {
  it('consume the top of the book and the delta shows the consumed size', () => {
    const { prints, sizes } = checkTrades('calm', 800);
    expect(prints).toBeGreaterThan(1_000);
    // Pareto sizes: a heavy tail far above the median.
    sizes.sort((a, b) => a - b);
    expect(sizes[sizes.length - 1]! / sizes[Math.floor(sizes.length / 2)]!).toBeGreaterThan(20);
  });

  it('keep consuming the top through a news shock (big moves, busy tape)', () => {
    checkTrades('news-shock', 300);
  });

  it('lean with the move: buyers dominate a pump, sellers the dump', () => {
    const gen = new MarketGenerator({ seed: 5, scenario: 'pump-dump', startTime: 0 });
    let phase = 'IDLE';
    const tally: Record<string, { buys: number; all: number }> = {};
    run(gen, 2_000, (s) => {
      for (const n of s.notes) {
        const m = /^pump-dump: (\w+) on WIF/.exec(n);
        if (m) phase = m[1]!;
      }
      for (const u of s.updates) {
        if (!u.symbol.startsWith('WIF')) continue;
        const t = (tally[phase] ??= { buys: 0, all: 0 });
        for (const tr of u.trades) {
          t.all++;
          if (tr.side === 'buy') t.buys++;
        }
      }
    });
    const share = (p: string) => tally[p]!.buys / tally[p]!.all;
    expect(share('PUMPING')).toBeGreaterThan(0.6);
    expect(share('BLOWOFF')).toBeGreaterThan(0.6);
    expect(share('DUMP')).toBeLessThan(0.4);
    // Volume spikes: the tape per step is busier pumping than before the cycle.
    expect(tally['PUMPING']!.all).toBeGreaterThan(tally['IDLE']!.all);
  });
});
