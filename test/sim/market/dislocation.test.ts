import { describe, expect, it } from 'vitest';
import { MarketGenerator } from '../../../src/sim/market/generator.ts';
import { ReplayMarket, run } from './replay.ts';

const BTC_BOOKS = ['binance-usdm:BTCUSDT', 'binance-spot:BTCUSDT', 'bybit-linear:BTCUSDT', 'okx:BTC-USDT-SWAP', 'okx:BTC-USDT', 'bitget:BTCUSDT', 'bitget:BTCUSDT_SPBL', 'hyperliquid:BTC'];

describe('cross-venue dislocations and lead–lag', () => {
  it('a long default run shows venues more than 10 bps off the others, and each converges back', () => {
    const gen = new MarketGenerator({ seed: 2024, scenario: 'calm', startTime: 0 });
    const market = new ReplayMarket(gen);
    const open = new Map<string, number>(); // instrument → when it went more than 10 bps off
    const episodes: { id: string; ms: number; peak: number }[] = [];
    const peaks = new Map<string, number>();
    const noted: string[] = [];
    run(gen, 6_000, (s) => {
      market.apply(s);
      noted.push(...s.notes.filter((n) => n.startsWith('dislocation:')));
      const mids = BTC_BOOKS.map((id) => market.books.get(id)!.mid());
      const median = [...mids].sort((a, b) => a - b)[mids.length / 2]!;
      BTC_BOOKS.forEach((id, k) => {
        const bps = Math.abs(mids[k]! / median - 1) * 1e4;
        if (bps > 10 && !open.has(id)) open.set(id, s.time);
        if (open.has(id)) peaks.set(id, Math.max(peaks.get(id) ?? 0, bps));
        if (bps < 3 && open.has(id)) {
          episodes.push({ id, ms: s.time - open.get(id)!, peak: peaks.get(id)! });
          open.delete(id);
          peaks.delete(id);
        }
      });
    });
    // About one dislocation every 30 s per asset, a share of them on BTC books and over 10 bps.
    expect(episodes.length).toBeGreaterThanOrEqual(3);
    expect(open.size).toBeLessThanOrEqual(1); // at most one still running when the run ends
    for (const e of episodes) expect(e.ms, `${e.id} took ${e.ms} ms`).toBeLessThan(15_000);
    expect(Math.max(...episodes.map((e) => e.peak))).toBeGreaterThan(20);
    // Every dislocation is announced and announced converged: started, then "converged".
    const started = noted.filter((n) => !n.endsWith('converged')).length;
    const converged = noted.filter((n) => n.endsWith('converged')).length;
    expect(started).toBeGreaterThan(20);
    expect(converged).toBeGreaterThanOrEqual(started - 5);
    // Some are smaller than round-trip fees, some larger: arbitrage is found sometimes, not always.
    const sizes = noted.filter((n) => !n.endsWith('converged')).map((n) => Math.abs(Number(/ ([+-][\d.]+) bps/.exec(n)![1])));
    expect(sizes.some((b) => b < 12)).toBe(true);
    expect(sizes.some((b) => b > 30)).toBe(true);
  });

  it('the leader moves first and the followers trail it by a few steps', () => {
    const gen = new MarketGenerator({ seed: 77, scenario: 'news-shock', startTime: 0 });
    const market = new ReplayMarket(gen);
    const mid = (id: string) => market.books.get(id)!.mid();
    let before: Record<string, number> = {};
    const moves: Record<string, number>[] = [];
    let shock = -1;
    run(gen, 215, (s) => {
      if (s.notes.some((n) => n.startsWith('news-shock:'))) shock = moves.length;
      if (shock < 0) before = Object.fromEntries(BTC_BOOKS.map((id) => [id, mid(id)]));
      market.apply(s);
      if (shock >= 0) moves.push(Object.fromEntries(BTC_BOOKS.map((id) => [id, Math.abs(mid(id) / before[id]! - 1)])));
    });
    expect(shock).toBe(0);
    expect(moves[0]!['binance-usdm:BTCUSDT']).toBeGreaterThan(0.02);
    expect(moves[0]!['hyperliquid:BTC']).toBeLessThan(0.005);
    expect(moves[0]!['bitget:BTCUSDT']).toBeLessThan(0.005);
    for (const id of BTC_BOOKS) expect(moves[7]![id], id).toBeGreaterThan(0.02);
  });
});
