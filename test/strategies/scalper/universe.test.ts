/**
 * The scalper's universe selector: minimums with their reasons, the score from ranked volume,
 * depth, micro-volatility and activity, categories (prime by rank, wild for new listings and the
 * most volatile, normal otherwise) with their book depth, and the quick check that drops the
 * delisted and the inactive and adds new listings between full rescans.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORY_DEPTH, DEFAULT_UNIVERSE_OPTIONS, quickCheck, selectUniverse, type Member, type UniverseCandidate, type UniverseOptions } from '../../../src/strategies/scalper/universe.ts';

const NOW = 10_000_000_000;
const O: UniverseOptions = { ...DEFAULT_UNIVERSE_OPTIONS, primeCount: 2, minVolume24hQuote: 1_000_000, minOpenInterestQuote: 500_000, maxSpreadBps: 10, wildVolatility: 0.01 };

function cand(instrument: string, over: Partial<UniverseCandidate> = {}): UniverseCandidate {
  return { instrument, status: 'trading', listedAt: NOW - 365 * 86_400_000, volume24hQuote: 10_000_000, openInterestQuote: 5_000_000, depth1pctQuote: 1_000_000, spreadBps: 2, microVolatility: 0.002, tradesPerSec: 5, lastTradeAt: NOW - 1000, ...over };
}

describe('selectUniverse', () => {
  it('keeps out what misses a minimum, saying which', () => {
    const u = selectUniverse(
      [cand('a'), cand('low-vol', { volume24hQuote: 999_999 }), cand('low-oi', { openInterestQuote: 100 }), cand('wide', { spreadBps: 12.5 }), cand('halted', { status: 'halted' })],
      NOW, [], new Map(), O,
    );
    expect(u.members.map((m) => m.instrument)).toEqual(['a']);
    expect(u.excluded).toEqual([
      { instrument: 'low-vol', reason: '24 h volume 999999 below 1000000' },
      { instrument: 'low-oi', reason: 'open interest 100 below 500000' },
      { instrument: 'wide', reason: 'spread 12.5 bps above 10' },
      { instrument: 'halted', reason: 'status halted' },
    ]);
  });

  it('scores by rank: 0.35 volume + 0.30 depth + 0.20 micro-volatility + 0.15 activity', () => {
    // Two candidates: x leads volume and depth, y leads volatility and trades.
    const u = selectUniverse([cand('x', { volume24hQuote: 9e7, depth1pctQuote: 9e6, microVolatility: 0.001, tradesPerSec: 1 }), cand('y', { volume24hQuote: 2e6, depth1pctQuote: 2e5, microVolatility: 0.003, tradesPerSec: 9 })], NOW, [], new Map(), O);
    const score = Object.fromEntries(u.members.map((m) => [m.instrument, m.score]));
    // x: 0.35·1 + 0.30·1 + 0.20·0.5 + 0.15·0.5 = 0.825; y: 0.35·0.5 + 0.30·0.5 + 0.20·1 + 0.15·1 = 0.675.
    expect(score.x).toBeCloseTo(0.825, 12);
    expect(score.y).toBeCloseTo(0.675, 12);
    expect(u.members.map((m) => m.instrument)).toEqual(['x', 'y']);
  });

  it('prime are the best-ranked tame symbols, wild the new listings and the most volatile, the rest normal, each with its depth', () => {
    const u = selectUniverse(
      [
        cand('best', { volume24hQuote: 9e7 }),
        cand('second', { volume24hQuote: 8e7 }),
        cand('third', { volume24hQuote: 7e7 }),
        cand('meme', { volume24hQuote: 9.5e7, microVolatility: 0.02 }),
        cand('fresh', { listedAt: NOW - 3_600_000, volume24hQuote: 10_000 }),
      ],
      NOW, [], new Map(), O,
    );
    const by = Object.fromEntries(u.members.map((m) => [m.instrument, m]));
    expect(by.best).toMatchObject({ category: 'prime', depth: CATEGORY_DEPTH.prime });
    expect(by.second!.category).toBe('prime');
    expect(by.third).toMatchObject({ category: 'normal', depth: 50 });
    expect(by.meme).toMatchObject({ category: 'wild', depth: 20, newListing: false });
    // A new listing has no 24 h history: the volume minimum does not keep it out.
    expect(by.fresh).toMatchObject({ category: 'wild', newListing: true });
  });

  it('a symbol first seen while running is a new listing even without a listing time', () => {
    const u = selectUniverse([cand('n', { listedAt: undefined })], NOW, [], new Map([['n', NOW - 60_000]]), O);
    expect(u.members[0]).toMatchObject({ instrument: 'n', category: 'wild', newListing: true });
  });

  it('reports what joined and what left since the previous universe, with why', () => {
    const previous: Member[] = [{ instrument: 'a', category: 'prime', score: 1, newListing: false, depth: 100 }, { instrument: 'gone', category: 'normal', score: 0.5, newListing: false, depth: 50 }, { instrument: 'quiet', category: 'normal', score: 0.4, newListing: false, depth: 50 }];
    const u = selectUniverse([cand('a'), cand('b'), cand('quiet', { lastTradeAt: NOW - O.inactiveMs - 1000 })], NOW, previous, new Map(), O);
    expect(u.added).toEqual(['b']);
    expect(u.dropped).toEqual([{ instrument: 'gone', reason: 'no longer listed' }, { instrument: 'quiet', reason: 'no trade for 601 s' }]);
  });
});

describe('quickCheck', () => {
  const previous: Member[] = [
    { instrument: 'a', category: 'prime', score: 0.9, newListing: false, depth: 100 },
    { instrument: 'delisted', category: 'normal', score: 0.5, newListing: false, depth: 50 },
    { instrument: 'idle', category: 'normal', score: 0.4, newListing: false, depth: 50 },
  ];

  it('drops the delisted and the inactive, keeps the rest as they were, and adds new listings as wild', () => {
    const u = quickCheck(
      [cand('a', { volume24hQuote: 1 }), cand('delisted', { status: 'delisted' }), cand('idle', { lastTradeAt: NOW - O.inactiveMs - 1 }), cand('new', { listedAt: NOW - 1000 }), cand('old-unlisted-before', {}), cand('new-wide', { listedAt: NOW - 1000, spreadBps: 50 })],
      NOW, previous, new Map(), O,
    );
    expect(u.members).toEqual([previous[0], { instrument: 'new', category: 'wild', score: 0, newListing: true, depth: 20 }]);
    expect(u.dropped.map((d) => d.instrument)).toEqual(['delisted', 'idle']);
    expect(u.dropped[0]!.reason).toBe('status delisted');
    expect(u.added).toEqual(['new']);
    expect(u.excluded).toEqual([{ instrument: 'new-wide', reason: 'spread 50.0 bps above 10' }]);
  });
});
