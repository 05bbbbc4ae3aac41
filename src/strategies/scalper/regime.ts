/**
 * Regimes: one per symbol from its feature view, and one for the whole market from BTC and ETH.
 *
 * Symbol regime, by precedence (the first that holds names the regime; every condition that holds
 * is listed in `reasons`, so nothing is hidden by the precedence):
 *   MANIPULATED   spoofingScore ≥ manipulatedSpoofing: the book lies, so nothing read from it counts
 *   PUMP          pump phase PREPUMP, PUMPING, BLOWOFF or DUMP: price is driven by the pump, not the book
 *   NEWS_DRIVEN   a news flag of medium or high impact in force
 *   COOLDOWN      pump phase COOLDOWN: the pump is over but the book is still settling
 *   NORMAL        otherwise
 * MANIPULATED comes first because it disables the symbol outright (scores 0, no exit plan), PUMP
 * next because it blocks the chart whatever the news; a high-impact flag blocks the chart through
 * `highRiskNews` even when the label is PUMP or MANIPULATED.
 *
 * Global regime: GLOBAL_PANIC when BTC and ETH shock the same way (|1-min return| ≥ shockPct),
 * when both volatility scores are extreme, or when one shocks while the other is elevated and the
 * two move together (rolling correlation ≥ highCorrelation: the move is market-wide);
 * GLOBAL_RISK_OFF when either shocks or either volatility score is elevated; else GLOBAL_NORMAL.
 * A volatility score counts as elevated or extreme only with an absolute 1-s ATR behind it (when
 * the caller gives one): a score is a rank against the leader's own recent past, high in a calm
 * market's livelier minute too.
 * Escalation is immediate; de-escalation goes one level at a time and only after the verdict has
 * stayed below the current level for `holdMs`, so the regime does not flap on a noisy boundary.
 */
import type { FeatureView, NewsImpact, PumpPhase } from '../../features/types.ts';

export type SymbolRegime = 'NORMAL' | 'PUMP' | 'MANIPULATED' | 'NEWS_DRIVEN' | 'COOLDOWN';

export interface RegimeOptions {
  /** spoofingScore at or above which the symbol is MANIPULATED. */
  readonly manipulatedSpoofing: number;
  /** News impacts that make the symbol NEWS_DRIVEN. */
  readonly newsImpacts: readonly NewsImpact[];
  /** News impacts that block trading outright (the chart's `newsBlock`). */
  readonly blockingImpacts: readonly NewsImpact[];
}

export const DEFAULT_REGIME_OPTIONS: RegimeOptions = {
  manipulatedSpoofing: 0.6,
  newsImpacts: ['medium', 'high'],
  blockingImpacts: ['high'],
};

const PUMPING_PHASES: ReadonlySet<PumpPhase> = new Set(['PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP']);

/** Returns true when the view's news flag is in force at the view's time with one of these impacts. */
function newsInForce(view: FeatureView, impacts: readonly NewsImpact[]): boolean {
  const f = view.news.flag;
  return f !== null && view.ts < f.until && impacts.includes(f.impact);
}

/** Returns true when high-risk news is in force for the symbol (the chart blocks and no exit plan is made). */
export function highRiskNews(view: FeatureView, opts: RegimeOptions = DEFAULT_REGIME_OPTIONS): boolean {
  return newsInForce(view, opts.blockingImpacts);
}

/** Returns the symbol's regime and every condition behind it. */
export function symbolRegime(view: FeatureView, opts: RegimeOptions = DEFAULT_REGIME_OPTIONS): { regime: SymbolRegime; reasons: string[] } {
  const reasons: string[] = [];
  const spoof = view.walls.spoofingScore;
  const manipulated = spoof >= opts.manipulatedSpoofing;
  if (manipulated) reasons.push(`spoofing ${spoof.toFixed(2)} ≥ ${opts.manipulatedSpoofing}`);
  const phase = view.pump.phase;
  const pumping = PUMPING_PHASES.has(phase);
  if (pumping) reasons.push(`pump phase ${phase}`);
  const news = newsInForce(view, opts.newsImpacts);
  if (news) reasons.push(`${view.news.flag!.impact} news ${view.news.flag!.type}${view.news.fresh ? ' (fresh)' : ''}`);
  const cooling = phase === 'COOLDOWN';
  if (cooling) reasons.push('pump cooling down');
  const regime: SymbolRegime = manipulated ? 'MANIPULATED' : pumping ? 'PUMP' : news ? 'NEWS_DRIVEN' : cooling ? 'COOLDOWN' : 'NORMAL';
  return { regime, reasons };
}

// ── global ───────────────────────────────────────────────────────────────────────────────────

export type GlobalRegimeName = 'GLOBAL_NORMAL' | 'GLOBAL_RISK_OFF' | 'GLOBAL_PANIC';

/** One leader's latest move: its 1-minute return (fraction) and volatility score in [0, 1]. */
export interface LeaderMove {
  readonly ret: number;
  readonly volScore: number;
  /**
   * The leader's micro ATR per second in bps. The volatility score ranks the leader against its own
   * recent past, so a calm market's livelier minute scores high too; with this given, elevated and
   * extreme also need an absolute move (`elevatedAtrBps`, `extremeAtrBps`).
   */
  readonly atrBps?: number;
}

export interface GlobalInput {
  readonly ts: number;
  readonly btc?: LeaderMove;
  readonly eth?: LeaderMove;
}

export interface GlobalRegimeView {
  readonly regime: GlobalRegimeName;
  /** When the published regime last changed level. */
  readonly since: number;
  /** This update's verdict before hysteresis. */
  readonly verdict: GlobalRegimeName;
  /** Pearson correlation of BTC and ETH returns over the window; null before minSamples pairs. */
  readonly correlation: number | null;
  readonly reasons: readonly string[];
}

export interface GlobalRegimeOptions {
  /** |1-min return| at or above which a leader has shocked (fraction). */
  readonly shockPct: number;
  /** Volatility score at or above which a leader is elevated / extreme. */
  readonly elevatedVol: number;
  readonly extremeVol: number;
  /** The absolute 1-s ATR (bps) a leader must also reach to count as elevated / extreme. */
  readonly elevatedAtrBps: number;
  readonly extremeAtrBps: number;
  /** Paired returns kept for the correlation, and the fewest that make it count. */
  readonly window: number;
  readonly minSamples: number;
  readonly highCorrelation: number;
  /** A level is kept at least this long after the last update that called for it. */
  readonly holdMs: number;
}

export const DEFAULT_GLOBAL_REGIME_OPTIONS: GlobalRegimeOptions = {
  shockPct: 0.015,
  elevatedVol: 0.8,
  extremeVol: 0.95,
  elevatedAtrBps: 2,
  extremeAtrBps: 5,
  window: 30,
  minSamples: 10,
  highCorrelation: 0.8,
  holdMs: 5 * 60_000,
};

const LEVELS: readonly GlobalRegimeName[] = ['GLOBAL_NORMAL', 'GLOBAL_RISK_OFF', 'GLOBAL_PANIC'];

/**
 * The global regime, updated once per return period (each update's returns join the rolling
 * window, so call it once per closed minute, or per step of a rolling 1-minute return).
 */
export class GlobalRegime {
  private readonly opts: GlobalRegimeOptions;
  // Ring buffers of paired returns (only updates carrying both leaders add a pair).
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private count = 0;
  private head = 0;
  private level = 0;
  private since = 0;
  /** The last time a verdict at or above the current level was seen. */
  private heldAt = 0;

  constructor(opts: Partial<GlobalRegimeOptions> = {}) {
    this.opts = { ...DEFAULT_GLOBAL_REGIME_OPTIONS, ...opts };
    this.xs = new Float64Array(this.opts.window);
    this.ys = new Float64Array(this.opts.window);
  }

  /** Returns the regime after this update. */
  update(input: GlobalInput): GlobalRegimeView {
    const o = this.opts;
    const { btc, eth, ts } = input;
    if (btc && eth) this.push(btc.ret, eth.ret);
    const corr = this.correlation();
    const reasons: string[] = [];
    const shock = (m: LeaderMove | undefined) => m !== undefined && Math.abs(m.ret) >= o.shockPct;
    const elevated = (m: LeaderMove | undefined) => m !== undefined && m.volScore >= o.elevatedVol && (m.atrBps ?? Infinity) >= o.elevatedAtrBps;
    const extreme = (m: LeaderMove | undefined) => m !== undefined && m.volScore >= o.extremeVol && (m.atrBps ?? Infinity) >= o.extremeAtrBps;
    const pct = (m: LeaderMove) => `${(m.ret * 100).toFixed(2)}%`;

    let verdict = 0;
    if (shock(btc) && shock(eth) && Math.sign(btc!.ret) === Math.sign(eth!.ret)) {
      verdict = 2;
      reasons.push(`BTC ${pct(btc!)} and ETH ${pct(eth!)} shocked together`);
    }
    if (extreme(btc) && extreme(eth)) {
      verdict = 2;
      reasons.push(`both volatility scores extreme (${btc!.volScore.toFixed(2)}, ${eth!.volScore.toFixed(2)})`);
    }
    if (corr !== null && corr >= o.highCorrelation && ((shock(btc) && elevated(eth)) || (shock(eth) && elevated(btc)))) {
      verdict = 2;
      reasons.push(`a shock with the other leader elevated, correlation ${corr.toFixed(2)}`);
    }
    for (const [name, m] of [['BTC', btc], ['ETH', eth]] as const) {
      if (shock(m)) reasons.push(`${name} shock ${pct(m!)}`);
      if (elevated(m)) reasons.push(`${name} volatility ${m!.volScore.toFixed(2)}`);
      if (shock(m) || elevated(m)) verdict = Math.max(verdict, 1);
    }

    if (verdict >= this.level) {
      if (verdict > this.level) this.since = ts;
      this.level = verdict;
      this.heldAt = ts;
    } else if (ts - this.heldAt >= o.holdMs) {
      // One level down per hold: PANIC cools to RISK_OFF before NORMAL.
      this.level -= 1;
      this.since = ts;
      this.heldAt = ts;
    }
    return { regime: LEVELS[this.level]!, since: this.since, verdict: LEVELS[verdict]!, correlation: corr, reasons };
  }

  private push(x: number, y: number): void {
    this.xs[this.head] = x;
    this.ys[this.head] = y;
    this.head = (this.head + 1) % this.opts.window;
    if (this.count < this.opts.window) this.count++;
  }

  /** Returns the Pearson correlation over the window (O(window) per update), null when too few pairs or flat. */
  private correlation(): number | null {
    const n = this.count;
    if (n < this.opts.minSamples || n < 2) return null;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += this.xs[i]!;
      sy += this.ys[i]!;
    }
    const mx = sx / n;
    const my = sy / n;
    let cov = 0;
    let vx = 0;
    let vy = 0;
    for (let i = 0; i < n; i++) {
      const dx = this.xs[i]! - mx;
      const dy = this.ys[i]! - my;
      cov += dx * dy;
      vx += dx * dx;
      vy += dy * dy;
    }
    return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : null;
  }
}

/** Returns true when new positions may open under this global regime (GLOBAL_PANIC opens nothing). */
export function mayOpen(global: GlobalRegimeName | Pick<GlobalRegimeView, 'regime'>): boolean {
  return (typeof global === 'string' ? global : global.regime) !== 'GLOBAL_PANIC';
}
