/**
 * The risk engine: the limits that stop trading (daily realized loss, drawdown from peak equity,
 * consecutive order failures, a venue down too long), portfolio heat, one breaker per instrument and
 * per venue, and the kill-switch hierarchy global ⊃ venue ⊃ instrument. Pure: it holds state and
 * answers questions; the portfolio actor turns its verdicts into cancels, flattening and state
 * changes. Verdicts are edge-triggered: a kill is recorded when it is returned and a standing kill
 * is not reported again, so a caller may evaluate on every tick.
 */
import { add, cmp, decOfNumber, decText, div, mul, neg, parseDec, sign, sub, ZERO, type Dec } from '../model/decimal.ts';
import { Breaker, type BreakerOptions, type BreakerState } from './breaker.ts';

/** The limits the engine enforces (money in quote units, fractions as 0.1 for 10 %). */
export interface RiskLimits {
  /** Positive; realized PnL today at or below its negative kills everything. */
  readonly dailyLossLimit: number;
  /** Fraction of the peak mark-to-market equity; a deeper drawdown kills everything. */
  readonly maxDrawdown: number;
  /** Fraction of equity that open positions may put at risk together. */
  readonly maxPortfolioHeat: number;
  readonly maxConsecutiveFailures: number;
  readonly maxOrderNotional: number;
  readonly maxOpenOrders: number;
  readonly breaker: BreakerOptions;
  /** A venue down longer than this is killed (its orders cancelled, its positions flattened). */
  readonly venueDownKillMs: number;
}

export type KillLevel = 'instrument' | 'venue' | 'global';

/** What the engine asks the portfolio to do. */
export interface RiskVerdict {
  readonly action: 'kill' | 'risk_off' | 'block';
  readonly level: KillLevel;
  /** Venue id or instrument id; absent for global. */
  readonly target?: string;
  /** A sentence for the operator, numbers included. */
  readonly reason: string;
}

/** A recorded kill. */
export interface KillRecord {
  readonly level: KillLevel;
  readonly target?: string;
  readonly reason: string;
  readonly at: number;
}

/** The persisted form of the engine (limits come from config). */
export interface RiskEngineState {
  readonly v: 1;
  readonly peakEquity?: string;
  readonly consecutiveFailures: number;
  readonly riskOffRaised: boolean;
  readonly kills: KillRecord[];
  readonly venueBlocks: Record<string, string>;
  readonly positionRisk: Record<string, string>;
  readonly breakers: { readonly instrument: Record<string, BreakerState>; readonly venue: Record<string, BreakerState> };
}

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`risk: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

function killKey(level: KillLevel, target?: string): string {
  return level === 'global' ? 'global' : `${level}:${target ?? ''}`;
}

function pct(x: number): string {
  return `${Number((x * 100).toFixed(4))}%`;
}

/** Limits, heat, breakers and kills for the whole portfolio. */
export class RiskEngine {
  private peak: Dec | undefined;
  private consecutive = 0;
  private riskOffRaised = false;
  private readonly kills = new Map<string, KillRecord>();
  private readonly venueBlocks = new Map<string, string>();
  private readonly risk = new Map<string, Dec>();
  private readonly instrumentBreakers = new Map<string, Breaker>();
  private readonly venueBreakers = new Map<string, Breaker>();

  constructor(readonly limits: RiskLimits) {}

  /** Sets the quote amount an open position puts at risk (distance to its stop × size). */
  setPositionRisk(instrument: string, riskQuote: string): void {
    this.risk.set(instrument, dec(riskQuote, 'riskQuote'));
  }

  /** Forgets a closed position's risk. */
  clearPositionRisk(instrument: string): void {
    this.risk.delete(instrument);
  }

  /** Returns Σ position risk in quote units. */
  totalRisk(): string {
    let sum: Dec = ZERO;
    for (const r of this.risk.values()) sum = add(sum, r);
    return decText(sum);
  }

  /** Returns Σ position risk / equity (Infinity when there is risk and no positive equity). */
  heat(equity: string): number {
    let sum: Dec = ZERO;
    for (const r of this.risk.values()) sum = add(sum, r);
    const eq = dec(equity, 'equity');
    if (sign(eq) <= 0) return sign(sum) > 0 ? Infinity : 0;
    return Number(decText(div(sum, eq, 12, 'half')));
  }

  /** Checks the daily realized loss and the drawdown from the peak equity; returns a global kill when one is breached. */
  evaluate(now: number, v: { realizedToday: string; equity: string }): RiskVerdict[] {
    const realized = dec(v.realizedToday, 'realizedToday');
    const equity = dec(v.equity, 'equity');
    if (!this.peak || cmp(equity, this.peak) > 0) this.peak = equity;
    const reasons: string[] = [];
    const limit = decOfNumber(this.limits.dailyLossLimit);
    if (cmp(realized, neg(limit)) <= 0) {
      reasons.push(`realized PnL today ${decText(realized)} reached the daily loss limit of -${decText(limit)}`);
    }
    // drawdown > max ⇔ peak − equity > max × peak, compared exactly.
    const drop = sub(this.peak, equity);
    if (sign(this.peak) > 0 && cmp(drop, mul(decOfNumber(this.limits.maxDrawdown), this.peak)) > 0) {
      const dd = Number(decText(div(drop, this.peak, 8, 'half')));
      reasons.push(
        `equity ${decText(equity)} is ${decText(drop)} (${pct(dd)}) below its peak ${decText(this.peak)} (max drawdown ${pct(this.limits.maxDrawdown)})`,
      );
    }
    if (reasons.length === 0 || this.kills.has('global')) return [];
    const reason = reasons.join('; ');
    this.kill('global', undefined, reason, now);
    return [{ action: 'kill', level: 'global', reason }];
  }

  /** Records a failed order: feeds both breakers and the consecutive-failure count. */
  orderFailed(now: number, venue: string, instrument: string, reason: string): RiskVerdict[] {
    const out: RiskVerdict[] = [];
    this.consecutive++;
    const ib = this.breakerOf(this.instrumentBreakers, instrument);
    if (ib.failure(now)) {
      out.push({ action: 'block', level: 'instrument', target: instrument, reason: `breaker on ${instrument} opened: ${ib.reason(now)} (last: ${reason})` });
    }
    const vb = this.breakerOf(this.venueBreakers, venue);
    if (vb.failure(now)) {
      out.push({ action: 'block', level: 'venue', target: venue, reason: `breaker on venue ${venue} opened: ${vb.reason(now)} (last: ${reason})` });
    }
    if (this.consecutive >= this.limits.maxConsecutiveFailures && !this.riskOffRaised) {
      this.riskOffRaised = true;
      out.push({
        action: 'risk_off',
        level: 'global',
        reason: `${this.consecutive} consecutive order failures (max ${this.limits.maxConsecutiveFailures}); last on ${instrument}: ${reason}`,
      });
    }
    return out;
  }

  /** Records a successful order: clears the consecutive count and both breakers' failure runs. */
  orderSucceeded(venue: string, instrument: string): void {
    this.consecutive = 0;
    this.riskOffRaised = false;
    this.instrumentBreakers.get(instrument)?.success();
    this.venueBreakers.get(venue)?.success();
  }

  /** Checks a venue that has been down since `since`; kills it once it is down longer than `venueDownKillMs`. */
  venueDown(venue: string, since: number, now: number): RiskVerdict[] {
    const down = now - since;
    if (down <= this.limits.venueDownKillMs || this.kills.has(killKey('venue', venue))) return [];
    const reason = `venue ${venue} down for ${Math.round(down / 1000)} s (kill after ${Math.round(this.limits.venueDownKillMs / 1000)} s)`;
    this.kill('venue', venue, reason, now);
    return [{ action: 'kill', level: 'venue', target: venue, reason }];
  }

  /** Trips an instrument's breaker directly (a reject storm, a stale book). */
  tripInstrument(instrument: string, reason: string, now: number): void {
    this.breakerOf(this.instrumentBreakers, instrument).trip(reason, now);
  }

  /** Trips a venue's breaker directly. */
  tripVenue(venue: string, reason: string, now: number): void {
    this.breakerOf(this.venueBreakers, venue).trip(reason, now);
  }

  /** Records a kill at a level (target: the venue or instrument id; none for global). */
  kill(level: KillLevel, target: string | undefined, reason: string, now: number): void {
    if (level !== 'global' && !target) throw new RangeError(`a ${level} kill needs a target`);
    this.kills.set(killKey(level, target), level === 'global' ? { level, reason, at: now } : { level, target: target!, reason, at: now });
  }

  /** Returns the kill covering an instrument (global first, then its venue, then itself), or undefined. */
  killed(venue: string, instrument: string): { level: KillLevel; reason: string } | undefined {
    const k = this.kills.get('global') ?? this.kills.get(killKey('venue', venue)) ?? this.kills.get(killKey('instrument', instrument));
    return k && { level: k.level, reason: k.reason };
  }

  /** Returns every standing kill. */
  killList(): KillRecord[] {
    return [...this.kills.values()];
  }

  /** Lifts a kill; lifting the global one also restarts the peak-equity tracking from the next evaluation. */
  resetKill(level: KillLevel, target?: string): void {
    this.kills.delete(killKey(level, target));
    if (level === 'global') this.peak = undefined;
  }

  /** Blocks a venue for integrity (reconciliation found exposure it cannot explain). */
  blockVenue(venue: string, reason: string): void {
    this.venueBlocks.set(venue, reason);
  }

  /** Lifts a venue's integrity block. */
  unblockVenue(venue: string): void {
    this.venueBlocks.delete(venue);
  }

  /** Returns why no order may go to this instrument now (kill, integrity block, open breaker), or undefined. */
  blocked(venue: string, instrument: string, now: number, reduceOnly: boolean): string | undefined {
    const k = this.killed(venue, instrument);
    if (k) return `${k.level === 'global' ? 'global' : k.level === 'venue' ? `venue ${venue}` : instrument} killed: ${k.reason}`;
    const block = this.venueBlocks.get(venue);
    if (block !== undefined) return `venue ${venue} blocked: ${block}`;
    return (
      this.breakerBlock(this.venueBreakers.get(venue), `venue ${venue}`, now, reduceOnly) ??
      this.breakerBlock(this.instrumentBreakers.get(instrument), instrument, now, reduceOnly)
    );
  }

  /** Returns the state of an instrument's or a venue's breaker ('closed' when it never failed). */
  breakerState(level: 'instrument' | 'venue', target: string, now: number): 'closed' | 'open' | 'probation' {
    const map = level === 'instrument' ? this.instrumentBreakers : this.venueBreakers;
    return map.get(target)?.state(now) ?? 'closed';
  }

  /** Returns the persisted form. */
  toJSON(): RiskEngineState {
    const breakers = (m: Map<string, Breaker>) => Object.fromEntries([...m].map(([k, b]) => [k, b.toJSON()]));
    const state: RiskEngineState = {
      v: 1,
      consecutiveFailures: this.consecutive,
      riskOffRaised: this.riskOffRaised,
      kills: this.killList(),
      venueBlocks: Object.fromEntries(this.venueBlocks),
      positionRisk: Object.fromEntries([...this.risk].map(([k, d]) => [k, decText(d)])),
      breakers: { instrument: breakers(this.instrumentBreakers), venue: breakers(this.venueBreakers) },
    };
    return this.peak ? { ...state, peakEquity: decText(this.peak) } : state;
  }

  /** Returns an engine restored from `toJSON()` output under the given limits. */
  static from(state: RiskEngineState, limits: RiskLimits): RiskEngine {
    const e = new RiskEngine(limits);
    if (state.peakEquity !== undefined) e.peak = dec(state.peakEquity, 'peakEquity');
    e.consecutive = state.consecutiveFailures;
    e.riskOffRaised = state.riskOffRaised;
    for (const k of state.kills) e.kills.set(killKey(k.level, k.target), k);
    for (const [v, r] of Object.entries(state.venueBlocks)) e.venueBlocks.set(v, r);
    for (const [i, r] of Object.entries(state.positionRisk)) e.setPositionRisk(i, r);
    for (const [k, b] of Object.entries(state.breakers.instrument)) e.instrumentBreakers.set(k, Breaker.from(b, limits.breaker));
    for (const [k, b] of Object.entries(state.breakers.venue)) e.venueBreakers.set(k, Breaker.from(b, limits.breaker));
    return e;
  }

  private breakerOf(map: Map<string, Breaker>, key: string): Breaker {
    let b = map.get(key);
    if (!b) map.set(key, (b = new Breaker(this.limits.breaker)));
    return b;
  }

  private breakerBlock(b: Breaker | undefined, what: string, now: number, reduceOnly: boolean): string | undefined {
    if (!b || b.allows(now, reduceOnly)) return undefined;
    const state = b.state(now);
    const until = state === 'open' ? ` for another ${Math.ceil((b.openUntil(now)! - now) / 1000)} s` : ' (reduce-only orders only)';
    return `breaker on ${what} ${state}${until}: ${b.reason(now)}`;
  }
}
