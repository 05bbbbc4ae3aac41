/**
 * Symbol profiles: what the scalper has learned about each symbol from its own closed trades
 * (win rate, MFE/MAE, slippage) and from the market (pumps, spoofing). Each profile turns into an
 * adjustment: a size factor in [0, 1], a score boost ≥ 0 added to the required score, and an
 * automatic blacklist.
 *
 * Rules (thresholds in ProfileOptions; the threshold itself always passes, only the bad side fires):
 *   poor win rate  ≥ minTrades trades and winRate < poorWinRate ⇒ size × poorWinSize, boost + poorWinBoost
 *   slippage       ≥ minTrades trades and avg slippage > highSlippageBps ⇒
 *                  size × max(slippageSizeFloor, highSlippageBps / avg slippage)
 *   pumps          pumps per day (pumps in the last pumpWindowMs / its length in days) > pumpsPerDay
 *                  ⇒ boost + pumpBoost
 *   spoofing       ≥ minSpoofSamples samples in spoofWindowMs, average > heavySpoofing ⇒ boost + spoofBoost
 *   blacklist      ≥ blacklistMinTrades trades and (winRate < blacklistWinRate or
 *                  avg MAE > blacklistMaeOverMfe × avg MFE) ⇒ size 0 for blacklistMs
 *   probation      after the blacklist: size × probationSize until probationTrades trades win at
 *                  least probationWinRate (back to normal) or do not (blacklisted again)
 * Fewer than minTrades trades leave the trade rules neutral (factor 1, boost 0). Pumps and spoofing
 * are market observations and need their own evidence, not our trades: a symbol that pumps ten
 * times a day should ask for a higher score before its first trade, not after.
 *
 * A blacklist punishes the trades that earned it once: trades up to its start stop counting
 * (the profile's trade stats start afresh), so probation is exactly probationSize, not that times
 * the old poor-win-rate factor, and the same old trades cannot blacklist the symbol again.
 * Times come in as arguments; a trade counts at `ts` when ts − tradeWindowMs < trade.ts ≤ ts.
 */
import type { Instrument } from '../../model/instrument.ts';

const DAY = 86_400_000;

/** The default thresholds and effects of each rule (see the header); every one is a number the config may override. */
export const DEFAULT_PROFILE_OPTIONS = Object.freeze({
  // The last 50 trades within 7 days; 10 of them before a trade rule speaks.
  maxTrades: 50, tradeWindowMs: 7 * DAY, minTrades: 10,
  // Under 40 % winners: half size and +0.1 on the required score.
  poorWinRate: 0.4, poorWinSize: 0.5, poorWinBoost: 0.1,
  // Over 3 bps average slippage: size × 3 / slippage, never below a quarter.
  highSlippageBps: 3, slippageSizeFloor: 0.25,
  // More than 2 pumps a day over 3 days: +0.1.
  pumpWindowMs: 3 * DAY, pumpsPerDay: 2, pumpBoost: 0.1,
  // Average spoofing over 0.5 across at least 5 samples of the last day: +0.1.
  spoofWindowMs: DAY, maxSpoofSamples: 256 /* a ring: noteSpoofing is O(1) */, minSpoofSamples: 5, heavySpoofing: 0.5, spoofBoost: 0.1,
  // Under 25 % winners, or MAE over 3 × MFE, across 20 trades: out for a day.
  blacklistMinTrades: 20, blacklistWinRate: 0.25, blacklistMaeOverMfe: 3, blacklistMs: DAY,
  // Then half size until 10 trades win at least half the time.
  probationSize: 0.5, probationTrades: 10, probationWinRate: 0.5,
  // The summed boost never exceeds this.
  maxScoreBoost: 0.5,
});

/** Thresholds and effects of each rule, keyed as in DEFAULT_PROFILE_OPTIONS. */
export type ProfileOptions = { readonly [K in keyof typeof DEFAULT_PROFILE_OPTIONS]: number };

/** One closed trade. Excursions and slippage are magnitudes in bps (the sign is dropped). */
export interface TradeOutcome {
  readonly ts: number;
  readonly win: boolean;
  readonly pnlBps: number;
  readonly mfeBps: number;
  readonly maeBps: number;
  readonly slippageBps: number;
  readonly holdMs: number;
}

export type ProfileStatus = 'normal' | 'blacklisted' | 'probation';

export interface SymbolProfile {
  readonly instrument: string;
  readonly ts: number;
  /** Trades in the window since the last blacklist began; wins / trades (0 with none). */
  readonly trades: number;
  readonly winRate: number;
  /** Averages over the finite measurements (NaN with none). */
  readonly avgPnlBps: number;
  readonly avgMfeBps: number;
  readonly avgMaeBps: number;
  readonly avgSlippageBps: number;
  readonly avgHoldMs: number;
  readonly pumps: number;
  readonly pumpsPerDay: number;
  readonly spoofSamples: number;
  /** Average spoofing score (0 with no samples). */
  readonly avgSpoofing: number;
  readonly status: ProfileStatus;
  readonly blacklistedUntil: number | null;
  readonly blacklistReason: string | null;
  readonly blacklists: number;
  /** Trades and wins since probation began. */
  readonly probation: { readonly trades: number; readonly wins: number };
}

export interface ProfileAdjustment {
  /** In [0, 1]: multiplies the size from risk; 0 while blacklisted. */
  readonly sizeFactor: number;
  /** ≥ 0: added to the score the chart requires before it watches or arms. */
  readonly scoreBoost: number;
  readonly blacklisted: boolean;
  readonly reasons: readonly string[];
}

/** A symbol's id or anything carrying one (an Instrument). */
export type InstrumentRef = string | Pick<Instrument, 'id'>;

interface Entry {
  trades: TradeOutcome[];
  pumps: number[];
  spoofTs: Float64Array;
  spoofScore: Float64Array;
  spoofHead: number;
  spoofCount: number;
  /** Trades at or before this time were punished by a blacklist and no longer count. */
  evidenceFrom: number | null;
  blacklistedUntil: number | null;
  blacklistReason: string | null;
  blacklists: number;
  probation: boolean;
  probationTrades: number;
  probationWins: number;
}

/** One symbol's serialized state; spoofing samples as [ts, score], oldest first. */
type EntryJSON = Omit<Entry, 'spoofTs' | 'spoofScore' | 'spoofHead' | 'spoofCount'> & { spoofs: [number, number][] };

/** The serialized state (options are config, not state, and are passed to `from`). */
export interface SymbolProfilesJSON {
  readonly v: 1;
  readonly symbols: Readonly<Record<string, Readonly<EntryJSON>>>;
}

const NEUTRAL: ProfileAdjustment = Object.freeze({ sizeFactor: 1, scoreBoost: 0, blacklisted: false, reasons: Object.freeze([]) as readonly string[] });
const idOf = (ref: InstrumentRef): string => (typeof ref === 'string' ? ref : ref.id);
const magnitude = (x: number): number => (Number.isFinite(x) ? Math.abs(x) : NaN);
const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
const clamp01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);

/** The per-symbol profiles and the size, score and blacklist adjustments they imply. */
export class SymbolProfiles {
  private readonly bySymbol = new Map<string, Entry>();

  constructor(readonly options: ProfileOptions = DEFAULT_PROFILE_OPTIONS) {}

  /** Records a closed trade, then blacklists, releases from probation or re-blacklists as its record demands. */
  record(instrument: InstrumentRef, outcome: TradeOutcome): void {
    if (!Number.isFinite(outcome.ts)) throw new RangeError(`trade outcome without a finite ts: ${outcome.ts}`);
    const o = this.options;
    const e = this.entry(idOf(instrument));
    // Non-finite measurements are kept as NaN and skipped by the averages: a missing number is not a zero.
    e.trades.push({
      ts: outcome.ts, win: outcome.win, pnlBps: Number.isFinite(outcome.pnlBps) ? outcome.pnlBps : NaN,
      mfeBps: magnitude(outcome.mfeBps), maeBps: magnitude(outcome.maeBps), slippageBps: magnitude(outcome.slippageBps),
      holdMs: Number.isFinite(outcome.holdMs) ? outcome.holdMs : NaN,
    });
    const oldest = outcome.ts - o.tradeWindowMs;
    while (e.trades.length > 0 && (e.trades.length > o.maxTrades || e.trades[0]!.ts <= oldest)) e.trades.shift();

    const ts = outcome.ts;
    if (e.blacklistedUntil !== null && ts < e.blacklistedUntil) return;
    if (e.probation && e.blacklistedUntil !== null && ts >= e.blacklistedUntil) {
      e.probationTrades += 1;
      if (outcome.win) e.probationWins += 1;
      if (e.probationTrades >= o.probationTrades) {
        const rate = e.probationWins / e.probationTrades;
        if (rate >= o.probationWinRate) {
          e.probation = false;
        } else {
          this.blacklist(e, ts, `probation failed: win rate ${pct(rate)} < ${pct(o.probationWinRate)} over ${e.probationTrades} trades`);
        }
        return;
      }
    }
    const s = this.tradeStats(e, ts);
    if (s.trades < o.blacklistMinTrades) return;
    if (s.winRate < o.blacklistWinRate) {
      this.blacklist(e, ts, `win rate ${pct(s.winRate)} < ${pct(o.blacklistWinRate)} over ${s.trades} trades`);
    } else if (s.avgMae > o.blacklistMaeOverMfe * (s.avgMfe || 0)) {
      this.blacklist(e, ts, `average MAE ${s.avgMae.toFixed(1)} bps > ${o.blacklistMaeOverMfe} × MFE ${s.avgMfe.toFixed(1)} bps over ${s.trades} trades`);
    }
  }

  /** Notes one pump (call once per pump, when it enters PUMPING). */
  notePump(instrument: InstrumentRef, ts: number): void {
    const e = this.entry(idOf(instrument));
    e.pumps.push(ts);
    const oldest = ts - this.options.pumpWindowMs;
    while (e.pumps.length > 0 && e.pumps[0]! <= oldest) e.pumps.shift();
  }

  /** Notes one spoofing-score sample in [0, 1] (the walls view's spoofingScore), in O(1). */
  noteSpoofing(instrument: InstrumentRef, ts: number, score: number): void {
    if (!Number.isFinite(score)) return;
    const e = this.entry(idOf(instrument));
    const cap = e.spoofTs.length;
    const at = (e.spoofHead + e.spoofCount) % cap;
    e.spoofTs[at] = ts;
    e.spoofScore[at] = clamp01(score);
    if (e.spoofCount < cap) e.spoofCount += 1;
    else e.spoofHead = (e.spoofHead + 1) % cap;
  }

  /** Returns the symbol's profile as of `ts`. */
  profile(instrument: InstrumentRef, ts: number): SymbolProfile {
    const id = idOf(instrument);
    const o = this.options;
    const e = this.bySymbol.get(id);
    const s = e ? this.tradeStats(e, ts) : EMPTY_STATS;
    let pumps = 0;
    if (e) for (const p of e.pumps) if (p > ts - o.pumpWindowMs && p <= ts) pumps += 1;
    let spoofSamples = 0;
    let spoofSum = 0;
    if (e) {
      const cap = e.spoofTs.length;
      for (let k = 0; k < e.spoofCount; k++) {
        const i = (e.spoofHead + k) % cap;
        const t = e.spoofTs[i]!;
        if (t > ts - o.spoofWindowMs && t <= ts) {
          spoofSamples += 1;
          spoofSum += e.spoofScore[i]!;
        }
      }
    }
    const blacklisted = e !== undefined && e.blacklistedUntil !== null && ts < e.blacklistedUntil;
    return {
      instrument: id, ts,
      trades: s.trades, winRate: s.winRate,
      avgPnlBps: s.avgPnl, avgMfeBps: s.avgMfe, avgMaeBps: s.avgMae, avgSlippageBps: s.avgSlippage, avgHoldMs: s.avgHold,
      pumps, pumpsPerDay: pumps / (o.pumpWindowMs / DAY),
      spoofSamples, avgSpoofing: spoofSamples > 0 ? spoofSum / spoofSamples : 0,
      status: blacklisted ? 'blacklisted' : e?.probation ? 'probation' : 'normal',
      blacklistedUntil: e?.blacklistedUntil ?? null,
      blacklistReason: e?.blacklistReason ?? null,
      blacklists: e?.blacklists ?? 0,
      probation: { trades: e?.probationTrades ?? 0, wins: e?.probationWins ?? 0 },
    };
  }

  /** Returns the size factor, score boost and blacklist the symbol's profile implies at `ts`, with the reasons. */
  adjust(instrument: InstrumentRef, ts: number): ProfileAdjustment {
    if (!this.bySymbol.has(idOf(instrument))) return NEUTRAL;
    const o = this.options;
    const p = this.profile(instrument, ts);
    const reasons: string[] = [];
    let size = 1;
    let boost = 0;
    if (p.trades >= o.minTrades && p.winRate < o.poorWinRate) {
      size *= o.poorWinSize;
      boost += o.poorWinBoost;
      reasons.push(`win rate ${pct(p.winRate)} < ${pct(o.poorWinRate)} over ${p.trades} trades`);
    }
    if (p.trades >= o.minTrades && p.avgSlippageBps > o.highSlippageBps) {
      size *= Math.max(o.slippageSizeFloor, o.highSlippageBps / p.avgSlippageBps);
      reasons.push(`slippage ${p.avgSlippageBps.toFixed(2)} bps > ${o.highSlippageBps} bps`);
    }
    if (p.pumpsPerDay > o.pumpsPerDay) {
      boost += o.pumpBoost;
      reasons.push(`${p.pumpsPerDay.toFixed(2)} pumps/day > ${o.pumpsPerDay}`);
    }
    if (p.spoofSamples >= o.minSpoofSamples && p.avgSpoofing > o.heavySpoofing) {
      boost += o.spoofBoost;
      reasons.push(`spoofing ${p.avgSpoofing.toFixed(2)} > ${o.heavySpoofing}`);
    }
    if (p.status === 'probation') {
      size *= o.probationSize;
      reasons.push(`probation: ${p.probation.wins}/${p.probation.trades} wins of ${o.probationTrades} trades`);
    }
    const blacklisted = p.status === 'blacklisted';
    if (blacklisted) reasons.push(`blacklisted until ${p.blacklistedUntil}: ${p.blacklistReason}`);
    // Clamped so a config with odd numbers (a negative boost, a factor above 1) cannot invert a rule.
    return {
      sizeFactor: blacklisted ? 0 : clamp01(size),
      scoreBoost: Math.min(Math.max(0, o.maxScoreBoost), Math.max(0, boost)) || 0,
      blacklisted,
      reasons,
    };
  }

  /** Returns the profiles' state as plain JSON. */
  toJSON(): SymbolProfilesJSON {
    const symbols: Record<string, EntryJSON> = {};
    for (const [id, e] of this.bySymbol) {
      const spoofs: [number, number][] = [];
      for (let k = 0; k < e.spoofCount; k++) {
        const i = (e.spoofHead + k) % e.spoofTs.length;
        spoofs.push([e.spoofTs[i]!, e.spoofScore[i]!]);
      }
      symbols[id] = {
        trades: e.trades.map((t) => ({ ...t })), pumps: [...e.pumps], spoofs,
        evidenceFrom: e.evidenceFrom, blacklistedUntil: e.blacklistedUntil, blacklistReason: e.blacklistReason,
        blacklists: e.blacklists, probation: e.probation, probationTrades: e.probationTrades, probationWins: e.probationWins,
      };
    }
    return { v: 1, symbols };
  }

  /** Returns profiles restored from toJSON's output (a JSON round trip turns NaN into null; it is read back as NaN). */
  static from(json: SymbolProfilesJSON, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): SymbolProfiles {
    if (json?.v !== 1 || typeof json.symbols !== 'object' || json.symbols === null) throw new TypeError('not a SymbolProfiles v1 snapshot');
    const out = new SymbolProfiles(options);
    const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);
    for (const [id, s] of Object.entries(json.symbols)) {
      const e = out.entry(id);
      for (const t of s.trades ?? []) {
        e.trades.push({ ts: num(t.ts), win: t.win === true, pnlBps: num(t.pnlBps), mfeBps: num(t.mfeBps), maeBps: num(t.maeBps), slippageBps: num(t.slippageBps), holdMs: num(t.holdMs) });
      }
      while (e.trades.length > options.maxTrades) e.trades.shift();
      e.pumps.push(...(s.pumps ?? []).map(num));
      for (const [ts, score] of s.spoofs ?? []) out.noteSpoofing(id, num(ts), num(score));
      e.evidenceFrom = s.evidenceFrom ?? null;
      e.blacklistedUntil = s.blacklistedUntil ?? null;
      e.blacklistReason = s.blacklistReason ?? null;
      e.blacklists = s.blacklists ?? 0;
      e.probation = s.probation === true;
      e.probationTrades = s.probationTrades ?? 0;
      e.probationWins = s.probationWins ?? 0;
    }
    return out;
  }

  private blacklist(e: Entry, ts: number, reason: string): void {
    e.blacklistedUntil = ts + this.options.blacklistMs;
    e.blacklistReason = reason;
    e.blacklists += 1;
    e.evidenceFrom = ts;
    e.probation = true;
    e.probationTrades = 0;
    e.probationWins = 0;
  }

  private entry(id: string): Entry {
    let e = this.bySymbol.get(id);
    if (!e) {
      const cap = Math.max(1, Math.floor(this.options.maxSpoofSamples));
      e = {
        trades: [], pumps: [], spoofTs: new Float64Array(cap), spoofScore: new Float64Array(cap), spoofHead: 0, spoofCount: 0,
        evidenceFrom: null, blacklistedUntil: null, blacklistReason: null, blacklists: 0, probation: false, probationTrades: 0, probationWins: 0,
      };
      this.bySymbol.set(id, e);
    }
    return e;
  }

  private tradeStats(e: Entry, ts: number): TradeStats {
    const from = Math.max(ts - this.options.tradeWindowMs, e.evidenceFrom ?? -Infinity);
    let trades = 0;
    let wins = 0;
    // Sums and counts of the finite values, in the order pnl, mfe, mae, slippage, hold.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0;
    for (const t of e.trades) {
      if (!(t.ts > from && t.ts <= ts)) continue;
      trades += 1;
      if (t.win) wins += 1;
      if (Number.isFinite(t.pnlBps)) { s0 += t.pnlBps; n0 += 1; }
      if (Number.isFinite(t.mfeBps)) { s1 += t.mfeBps; n1 += 1; }
      if (Number.isFinite(t.maeBps)) { s2 += t.maeBps; n2 += 1; }
      if (Number.isFinite(t.slippageBps)) { s3 += t.slippageBps; n3 += 1; }
      if (Number.isFinite(t.holdMs)) { s4 += t.holdMs; n4 += 1; }
    }
    return {
      trades, winRate: trades > 0 ? wins / trades : 0,
      avgPnl: n0 > 0 ? s0 / n0 : NaN, avgMfe: n1 > 0 ? s1 / n1 : NaN, avgMae: n2 > 0 ? s2 / n2 : NaN,
      avgSlippage: n3 > 0 ? s3 / n3 : NaN, avgHold: n4 > 0 ? s4 / n4 : NaN,
    };
  }
}

interface TradeStats {
  readonly trades: number;
  readonly winRate: number;
  readonly avgPnl: number;
  readonly avgMfe: number;
  readonly avgMae: number;
  readonly avgSlippage: number;
  readonly avgHold: number;
}

const EMPTY_STATS: TradeStats = { trades: 0, winRate: 0, avgPnl: NaN, avgMfe: NaN, avgMae: NaN, avgSlippage: NaN, avgHold: NaN };

