import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../src/model/instrument.ts';
import {
  DEFAULT_PROFILE_OPTIONS,
  SymbolProfiles,
  type ProfileOptions,
  type SymbolProfilesJSON,
  type TradeOutcome,
} from '../../../src/strategies/scalper/profiles.ts';

const SYM = 'bybit-linear:XYZUSDT';
const T0 = 1_700_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const D = DEFAULT_PROFILE_OPTIONS;

/** A plain trade: +10 / −10 bps, MFE 10, MAE 5, slippage 1, held 30 s. */
const trade = (ts: number, win: boolean, over: Partial<TradeOutcome> = {}): TradeOutcome => ({
  ts, win, pnlBps: win ? 10 : -10, mfeBps: 10, maeBps: 5, slippageBps: 1, holdMs: 30_000, ...over,
});

/** Records `wins` wins then `losses` losses, one a minute from `start`; returns the last trade's ts. */
function tape(p: SymbolProfiles, start: number, wins: number, losses: number, over: Partial<TradeOutcome> = {}): number {
  let ts = start;
  for (let k = 0; k < wins + losses; k++) {
    ts = start + k * MIN;
    p.record(SYM, trade(ts, k < wins, over));
  }
  return ts;
}

describe('profile numbers by hand', () => {
  it('averages four trades; a NaN measurement is skipped, a negative MAE counts as its magnitude', () => {
    const p = new SymbolProfiles();
    p.record(SYM, { ts: T0, win: true, pnlBps: 12, mfeBps: 20, maeBps: 4, slippageBps: 1, holdMs: 10_000 });
    p.record(SYM, { ts: T0 + 1, win: false, pnlBps: -8, mfeBps: 2, maeBps: -10, slippageBps: 3, holdMs: 50_000 });
    p.record(SYM, { ts: T0 + 2, win: true, pnlBps: 6, mfeBps: 8, maeBps: 1, slippageBps: NaN, holdMs: 30_000 });
    p.record(SYM, { ts: T0 + 3, win: false, pnlBps: -10, mfeBps: 0, maeBps: 13, slippageBps: 2, holdMs: 70_000 });
    const pr = p.profile(SYM, T0 + 3);
    // wins 2/4; pnl (12 − 8 + 6 − 10)/4 = 0; mfe 30/4 = 7.5; mae (4 + 10 + 1 + 13)/4 = 7;
    // slippage (1 + 3 + 2)/3 = 2 (the NaN skipped); hold 160 000/4 = 40 000.
    expect(pr).toMatchObject({ trades: 4, winRate: 0.5, avgPnlBps: 0, avgMfeBps: 7.5, avgMaeBps: 7, avgSlippageBps: 2, avgHoldMs: 40_000, status: 'normal' });
    // As of T0 + 1 only the first two count: a query sees no trade from its future.
    expect(p.profile(SYM, T0 + 1)).toMatchObject({ trades: 2, winRate: 0.5, avgMfeBps: 11 });
  });

  it('an unknown symbol is neutral and empty', () => {
    const p = new SymbolProfiles();
    expect(p.adjust(SYM, T0)).toEqual({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: [] });
    expect(p.profile(SYM, T0)).toMatchObject({ trades: 0, winRate: 0, pumps: 0, spoofSamples: 0, avgSpoofing: 0, status: 'normal', blacklists: 0 });
    expect(p.profile(SYM, T0).avgMfeBps).toBeNaN();
  });

  it('takes an Instrument as well as its id', () => {
    const inst = makeInstrument({ venue: 'bybit-linear', symbol: 'XYZUSDT', kind: 'perp', base: 'XYZ', quote: 'USDT', tickSize: '0.01', lotSize: '1' });
    const p = new SymbolProfiles();
    tape(p, T0, 0, 10);
    expect(p.adjust(inst, T0 + DAY).sizeFactor).toBe(0.5);
    expect(p.profile(inst, T0 + DAY).instrument).toBe(SYM);
  });
});

describe('trade rules at their edges', () => {
  it.each([
    // [wins, losses, sizeFactor, scoreBoost, why]
    [0, 9, 1, 0, '9 losses: fewer than minTrades (10) ⇒ neutral'],
    [4, 6, 1, 0, '4/10 = 40 %: the threshold itself passes'],
    [3, 7, 0.5, 0.1, '3/10 = 30 % < 40 % ⇒ size × 0.5, boost + 0.1'],
    [7, 12, 0.5, 0.1, '7/19 = 36.8 % < 40 % (19 trades, still under the blacklist minimum of 20)'],
    [10, 10, 1, 0, '10/20 = 50 %'],
  ])('%i wins, %i losses ⇒ size %f, boost %f (%s)', (wins, losses, size, boost) => {
    const p = new SymbolProfiles();
    const last = tape(p, T0, wins, losses);
    const a = p.adjust(SYM, last);
    expect(a.sizeFactor).toBeCloseTo(size, 12);
    expect(a.scoreBoost).toBeCloseTo(boost, 12);
    expect(a.blacklisted).toBe(false);
    expect(a.reasons.length).toBe(size < 1 ? 1 : 0);
  });

  it.each([
    // [slippage bps, wins, sizeFactor]
    [3, 10, 1], // at 3 bps: passes
    [3.3, 10, 3 / 3.3], // 3 / 3.3 = 0.909…
    [6, 10, 0.5], // 3 / 6
    [12, 10, 0.25], // 3 / 12 = 0.25: exactly the floor
    [20, 10, 0.25], // 3 / 20 = 0.15 ⇒ the 0.25 floor
    [6, 3, 0.25], // 3 wins of 10 too: 0.5 (win rate) × 0.5 (slippage)
  ])('average slippage %f bps over 10 trades (%i wins) ⇒ size %f', (slippageBps, wins, size) => {
    const p = new SymbolProfiles();
    const last = tape(p, T0, wins, 10 - wins, { slippageBps });
    expect(p.adjust(SYM, last).sizeFactor).toBeCloseTo(size, 12);
  });

  it('slippage over 9 trades is not enough evidence', () => {
    const p = new SymbolProfiles();
    const last = tape(p, T0, 9, 0, { slippageBps: 50 });
    expect(p.adjust(SYM, last)).toEqual({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: [] });
  });
});

describe('market rules: pumps and spoofing', () => {
  it('pumps per day over 3 days: 6 pumps = 2/day passes, 7 = 2.33/day ⇒ boost 0.1; a pump 3 days old has left', () => {
    const p = new SymbolProfiles();
    for (let k = 0; k < 6; k++) p.notePump(SYM, T0 + k * 10 * HOUR); // T0 … T0 + 50 h
    const now = T0 + 50 * HOUR;
    expect(p.profile(SYM, now)).toMatchObject({ pumps: 6, pumpsPerDay: 2 });
    expect(p.adjust(SYM, now)).toEqual({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: [] });
    p.notePump(SYM, now);
    expect(p.profile(SYM, now).pumpsPerDay).toBeCloseTo(7 / 3, 12);
    expect(p.adjust(SYM, now).scoreBoost).toBeCloseTo(0.1, 12);
    // At T0 + 3 days the first pump is exactly 3 days old and out: 6 left ⇒ 2/day ⇒ neutral again.
    expect(p.profile(SYM, T0 + 3 * DAY).pumps).toBe(6);
    expect(p.adjust(SYM, T0 + 3 * DAY).scoreBoost).toBe(0);
    expect(p.adjust(SYM, T0 + 3 * DAY - 1).scoreBoost).toBeCloseTo(0.1, 12);
  });

  it('spoofing: 4 samples are too few; 5 averaging 0.5 pass; 0.6 ⇒ boost 0.1; samples a day old leave', () => {
    const p = new SymbolProfiles();
    for (let k = 0; k < 4; k++) p.noteSpoofing(SYM, T0 + k * MIN, 0.9);
    expect(p.adjust(SYM, T0 + 4 * MIN).scoreBoost).toBe(0);
    p.noteSpoofing(SYM, T0 + 4 * MIN, -1.6); // clamped to 0: (4 × 0.9 + 0)/5 = 0.72
    expect(p.profile(SYM, T0 + 4 * MIN)).toMatchObject({ spoofSamples: 5 });
    expect(p.profile(SYM, T0 + 4 * MIN).avgSpoofing).toBeCloseTo(0.72, 12);
    expect(p.adjust(SYM, T0 + 4 * MIN).scoreBoost).toBeCloseTo(0.1, 12);

    const q = new SymbolProfiles();
    for (const s of [0.5, 0.4, 0.6, 0.5, 0.5]) q.noteSpoofing(SYM, T0, s); // average exactly 0.5
    expect(q.adjust(SYM, T0).scoreBoost).toBe(0);
    for (const s of [1, 1, 1, 1, 1]) q.noteSpoofing(SYM, T0 + HOUR, s); // (2.5 + 5)/10 = 0.75
    expect(q.profile(SYM, T0 + HOUR).avgSpoofing).toBeCloseTo(0.75, 12);
    // At T0 + 1 day the first five are out: five 1s remain.
    expect(q.profile(SYM, T0 + DAY)).toMatchObject({ spoofSamples: 5, avgSpoofing: 1 });
    expect(q.profile(SYM, T0 + DAY + HOUR)).toMatchObject({ spoofSamples: 0, avgSpoofing: 0 });
  });

  it('the spoofing ring keeps the newest maxSpoofSamples', () => {
    const p = new SymbolProfiles({ ...D, maxSpoofSamples: 4, minSpoofSamples: 1 });
    for (const s of [1, 1, 0, 0, 0.2, 0.2]) p.noteSpoofing(SYM, T0, s); // keeps 0, 0, 0.2, 0.2 ⇒ 0.1
    expect(p.profile(SYM, T0).spoofSamples).toBe(4);
    expect(p.profile(SYM, T0).avgSpoofing).toBeCloseTo(0.1, 12);
  });

  it('boosts add up and are capped: poor win rate + pumps + spoofing = 0.3, capped at 0.25 by option', () => {
    const build = (o: ProfileOptions) => {
      const p = new SymbolProfiles(o);
      const last = tape(p, T0, 3, 7);
      for (let k = 0; k < 7; k++) p.notePump(SYM, last);
      for (let k = 0; k < 5; k++) p.noteSpoofing(SYM, last, 0.8);
      return p.adjust(SYM, last);
    };
    const a = build(D);
    expect(a.scoreBoost).toBeCloseTo(0.3, 12);
    expect(a.sizeFactor).toBe(0.5);
    expect(a.reasons).toHaveLength(3);
    expect(build({ ...D, maxScoreBoost: 0.25 }).scoreBoost).toBe(0.25);
  });
});

describe('window roll-off', () => {
  it('keeps only the last maxTrades trades', () => {
    const p = new SymbolProfiles({ ...D, maxTrades: 10 });
    tape(p, T0, 0, 10); // 10 losses
    const last = tape(p, T0 + HOUR, 10, 0); // then 10 wins push them out
    expect(p.profile(SYM, last)).toMatchObject({ trades: 10, winRate: 1 });
    expect(p.adjust(SYM, last).sizeFactor).toBe(1);
  });

  it('a trade counts for tradeWindowMs (7 days) and not a millisecond more', () => {
    const p = new SymbolProfiles();
    tape(p, T0, 0, 10); // losses at T0 … T0 + 9 min
    expect(p.adjust(SYM, T0 + 7 * DAY - 1).sizeFactor).toBe(0.5); // all 10 inside (T0 > T0 − 1)
    expect(p.profile(SYM, T0 + 7 * DAY).trades).toBe(9); // the T0 trade is exactly 7 days old: out
    expect(p.adjust(SYM, T0 + 7 * DAY).sizeFactor).toBe(1); // 9 < minTrades ⇒ neutral
  });
});

describe('blacklist, expiry and probation', () => {
  it.each([
    // [wins, losses, blacklisted, why]
    [4, 16, true, '4/20 = 20 % < 25 %'],
    [5, 15, false, '5/20 = 25 %: the threshold passes (still a poor 25 % < 40 % ⇒ size 0.5)'],
    [0, 19, false, '19 trades: under blacklistMinTrades'],
  ])('%i wins, %i losses ⇒ blacklisted %s (%s)', (wins, losses, black) => {
    const p = new SymbolProfiles();
    const last = tape(p, T0, wins, losses);
    const a = p.adjust(SYM, last);
    expect(a.blacklisted).toBe(black);
    expect(a.sizeFactor).toBe(black ? 0 : 0.5);
    if (black) expect(p.profile(SYM, last)).toMatchObject({ status: 'blacklisted', blacklistedUntil: last + D.blacklistMs, blacklists: 1 });
  });

  it.each([
    [30, false], // 30 = 3 × 10: passes
    [31, true], // 31 > 30
  ])('all wins but average MAE %i against MFE 10 over 20 trades ⇒ blacklisted %s', (maeBps, black) => {
    const p = new SymbolProfiles();
    const last = tape(p, T0, 20, 0, { maeBps });
    expect(p.adjust(SYM, last).blacklisted).toBe(black);
    expect(p.adjust(SYM, last).reasons.some((r) => r.includes('average MAE'))).toBe(black);
  });

  it('blacklist for blacklistMs, then half size on probation, earned back by 5 wins of 10', () => {
    const p = new SymbolProfiles();
    const tB = tape(p, T0, 0, 20); // blacklisted at the 20th loss
    const until = tB + D.blacklistMs;
    expect(p.adjust(SYM, until - 1)).toMatchObject({ sizeFactor: 0, blacklisted: true });
    // A position closed while blacklisted counts toward the fresh stats, not toward probation.
    p.record(SYM, trade(until - HOUR, false));
    const onProbation = p.adjust(SYM, until);
    // The 20 losses were punished and no longer count: one trade < minTrades ⇒ only the probation half.
    expect(onProbation).toMatchObject({ sizeFactor: 0.5, scoreBoost: 0, blacklisted: false });
    expect(p.profile(SYM, until)).toMatchObject({ status: 'probation', trades: 1, probation: { trades: 0, wins: 0 } });
    const last = tape(p, until, 5, 5);
    expect(p.profile(SYM, last)).toMatchObject({ status: 'normal', trades: 11, winRate: 5 / 11 });
    expect(p.adjust(SYM, last)).toEqual({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: [] });
  });

  it('9 probation trades leave it on probation; 4 wins of 10 blacklist it again from the 10th', () => {
    const p = new SymbolProfiles();
    const until = tape(p, T0, 0, 20) + D.blacklistMs;
    const ninth = tape(p, until, 4, 5);
    expect(p.profile(SYM, ninth)).toMatchObject({ status: 'probation', probation: { trades: 9, wins: 4 } });
    const tenth = ninth + MIN;
    p.record(SYM, trade(tenth, false));
    expect(p.profile(SYM, tenth)).toMatchObject({ status: 'blacklisted', blacklistedUntil: tenth + D.blacklistMs, blacklists: 2, trades: 0 });
    expect(p.adjust(SYM, tenth).reasons[0]).toContain('probation failed: win rate 40% < 50% over 10 trades');
    expect(p.adjust(SYM, tenth + D.blacklistMs).sizeFactor).toBe(0.5);
  });
});

describe('JSON', () => {
  it('round-trips through JSON text: profiles, adjustments and the state itself', () => {
    const p = new SymbolProfiles({ ...D, maxSpoofSamples: 3 });
    const until = tape(p, T0, 0, 20) + D.blacklistMs; // blacklisted then on probation
    tape(p, until, 2, 1, { slippageBps: 4 });
    p.record(SYM, trade(until + HOUR, true, { holdMs: NaN })); // NaN survives as null ⇒ NaN
    p.record('bybit-linear:OTHER', trade(T0, true));
    for (let k = 0; k < 5; k++) p.noteSpoofing(SYM, until + k, k / 4); // ring wrapped: 0.5, 0.75, 1
    p.notePump(SYM, until);
    const text = JSON.stringify(p.toJSON());
    const q = SymbolProfiles.from(JSON.parse(text) as SymbolProfilesJSON, { ...D, maxSpoofSamples: 3 });
    expect(JSON.stringify(q.toJSON())).toBe(text);
    for (const ts of [T0, until - 1, until + HOUR, until + 2 * DAY]) {
      for (const id of [SYM, 'bybit-linear:OTHER']) {
        expect(q.profile(id, ts)).toEqual(p.profile(id, ts));
        expect(q.adjust(id, ts)).toEqual(p.adjust(id, ts));
      }
    }
    expect(q.profile(SYM, until + HOUR)).toMatchObject({ status: 'probation', trades: 4, spoofSamples: 3, avgSpoofing: 0.75, probation: { trades: 4, wins: 3 } });
  });

  it('refuses what is not a v1 snapshot', () => {
    expect(() => SymbolProfiles.from({ v: 2, symbols: {} } as unknown as SymbolProfilesJSON)).toThrow(TypeError);
    expect(() => SymbolProfiles.from(null as unknown as SymbolProfilesJSON)).toThrow(TypeError);
  });
});

describe('properties', () => {
  const op = fc.oneof(
    fc.record({ k: fc.constant('trade' as const), dt: fc.integer({ min: 0, max: 6 * HOUR }), win: fc.boolean(), x: fc.double(), y: fc.double({ min: -50, max: 50 }) }),
    fc.record({ k: fc.constant('pump' as const), dt: fc.integer({ min: 0, max: 6 * HOUR }) }),
    fc.record({ k: fc.constant('spoof' as const), dt: fc.integer({ min: 0, max: HOUR }), s: fc.double() }),
  );
  const anyNumber = fc.oneof(fc.double(), fc.double({ min: -1, max: 2, noNaN: true }));
  const options = fc.record({
    maxTrades: fc.integer({ min: 1, max: 60 }), minTrades: fc.integer({ min: 0, max: 20 }), blacklistMinTrades: fc.integer({ min: 0, max: 30 }),
    probationTrades: fc.integer({ min: 1, max: 12 }), maxSpoofSamples: fc.integer({ min: 1, max: 8 }), minSpoofSamples: fc.integer({ min: 0, max: 8 }),
    poorWinSize: anyNumber, poorWinBoost: anyNumber, slippageSizeFloor: anyNumber, highSlippageBps: anyNumber, pumpBoost: anyNumber,
    spoofBoost: anyNumber, probationSize: anyNumber, maxScoreBoost: anyNumber, blacklistMs: fc.integer({ min: 0, max: 2 * DAY }),
  });

  it('sizeFactor ∈ [0, 1], scoreBoost ≥ 0 and finite, blacklisted ⇒ size 0 — for any tape and any options', () => {
    fc.assert(
      fc.property(options, fc.array(op, { maxLength: 120 }), (over, ops) => {
        const p = new SymbolProfiles({ ...D, ...over });
        let ts = T0;
        for (const o of ops) {
          ts += o.dt;
          if (o.k === 'trade') p.record(SYM, { ts, win: o.win, pnlBps: o.y, mfeBps: o.x, maeBps: o.y, slippageBps: o.x, holdMs: o.dt });
          else if (o.k === 'pump') p.notePump(SYM, ts);
          else p.noteSpoofing(SYM, ts, o.s);
          for (const at of [ts, ts + HOUR, ts + 3 * DAY]) {
            const a = p.adjust(SYM, at);
            expect(a.sizeFactor).toBeGreaterThanOrEqual(0);
            expect(a.sizeFactor).toBeLessThanOrEqual(1);
            expect(a.scoreBoost).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(a.scoreBoost)).toBe(true);
            if (a.blacklisted) expect(a.sizeFactor).toBe(0);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('with default options, fewer than minTrades trades and no market notes are always neutral', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ win: fc.boolean(), slip: fc.double({ min: 0, max: 100, noNaN: true }), mae: fc.double({ min: 0, max: 500, noNaN: true }) }), { maxLength: D.minTrades - 1 }), (ts) => {
        const p = new SymbolProfiles();
        ts.forEach((t, k) => p.record(SYM, trade(T0 + k, t.win, { slippageBps: t.slip, maeBps: t.mae, mfeBps: 0 })));
        expect(p.adjust(SYM, T0 + ts.length)).toEqual({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: [] });
      }),
    );
  });
});
