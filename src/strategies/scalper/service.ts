/**
 * The scalper in SIGNAL mode: one symbol chart per followed perp (`symbol:<instrument id>`), fed
 * with every reading of its features (regime, both scores, whether walls, flow, news and the
 * global regime agree with each side). When a chart arms and places its entry, the entry is a
 * signal: built from the reading (entry, stop, TP1/TP2 fee-first, quality, tier, conditions,
 * size, R/R, expected hold), admitted by the limits, logged (`signal.emitted`), and tracked
 * virtually to its outcome on the following readings (`signal.closed`), which closes the chart's
 * position and feeds the symbol's profile. Refused signals are `signal.refused` records and send
 * the chart back to FLAT. In the trading modes the charts do not run yet (orders are not wired).
 */
import type { Subscription } from 'rxjs';
import type { Mode } from '../../config/schema.ts';
import type { ExecutionDeps } from '../../execution/service.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { FeatureService, SymbolReading } from '../../features/service.ts';
import { symbolMachine, type SymbolContext } from '../../../machines/symbol.machine.ts';
import { highRiskNews, mayOpen } from './regime.ts';
import { buildSignal, admit, isSignalRefusal, type Signal } from './signals.ts';
import { SignalTracker, type ClosedSignal } from './signalTracker.ts';
import { signalReport } from './signalReport.ts';
import { SymbolProfiles } from './profiles.ts';
import { lotOf } from './tpsl.ts';

/** What the execution service is built from, and the features, instruments, mode and equity. */
export interface ScalperDeps extends Pick<ExecutionDeps, 'config' | 'clock' | 'logger' | 'runtime' | 'eventLog' | 'store'> {
  readonly features: FeatureService;
  instrument(id: string): Instrument | undefined;
  mode(): Mode;
  /** The portfolio's equity in quote (signal sizes are suggestions on it). */
  equity(): number;
}

const STATE_KEY = 'scalper.signals';
const COOLDOWN_MS = 30_000;
/** A side whose walls were mostly pulled before touch (spoofs) is not one to arm on. */
const MAX_SIDE_SPOOF = 0.5;

/** Returns the share of a side's recent walls that were pulled before price touched them. */
function spoofShare(r: SymbolReading, side: 'bid' | 'ask'): number {
  const p = r.view.walls.pulled[side];
  const a = r.view.walls.absorbed[side];
  return p + a === 0 ? 0 : p / (p + a);
}

export class ScalperService {
  tracker = new SignalTracker();
  profiles = new SymbolProfiles();
  private readonly spawning = new Set<string>();
  private readonly subs: Subscription[] = [];
  private readonly logic;
  /** Every signal made, emitted or refused by the limits (instrument and time), the last 10 000. */
  private generated: { instrument: string; ts: number }[] = [];

  constructor(private readonly d: ScalperDeps) {
    this.logic = symbolMachine.provide({ actions: { placeEntry: ({ context }) => queueMicrotask(() => this.enter(context)), cancelEntry: () => undefined } });
  }

  async start(): Promise<void> {
    const raw = await this.d.store.meta.get(STATE_KEY);
    if (raw) {
      try {
        const s = JSON.parse(raw) as { tracker: Parameters<typeof SignalTracker.from>[0]; profiles: Parameters<typeof SymbolProfiles.from>[0]; generated: { instrument: string; ts: number }[] };
        this.tracker = SignalTracker.from(s.tracker);
        this.profiles = SymbolProfiles.from(s.profiles);
        this.generated = s.generated;
      } catch (e) {
        this.d.logger.error({ err: String(e) }, 'saved signals unreadable; starting with none');
      }
    }
    this.subs.push(this.d.features.read$.subscribe((id) => this.onReading(id)));
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.save();
  }

  /** The signals open and the last closed ones, for GET /api/signals. */
  signals(): { open: readonly Signal[]; closed: readonly ClosedSignal[] } {
    return { open: this.tracker.openSignals(), closed: this.tracker.closed().slice(-100) };
  }

  /** The report over every closed signal (GET /api/signals/report). */
  report(): ReturnType<typeof signalReport> {
    return signalReport(this.tracker.closed(), { generated: this.generated });
  }

  private onReading(id: string): void {
    if (this.d.mode() !== 'signal') return;
    const r = this.d.features.reading(id);
    const inst = this.d.instrument(id);
    if (!r || !inst || inst.kind !== 'perp') return;
    const now = this.d.clock.now();
    for (const c of this.tracker.onPrice(id, now, r.view.mid)) this.closed(c, now);
    const actor = `symbol:${id}`;
    if (!this.d.runtime.has(actor)) {
      this.spawn(actor);
      return;
    }
    const global = this.d.features.globalRegime()?.regime ?? 'GLOBAL_NORMAL';
    const open = mayOpen(global) && !r.view.news.fresh;
    const flow = r.view.flow.deltaRatio;
    const lean = r.view.imbalance.zonal;
    const spoof = { bid: spoofShare(r, 'bid'), ask: spoofShare(r, 'ask') };
    const before = String(this.d.runtime.snapshot(actor)?.value ?? '');
    this.d.runtime.send(actor, {
      type: 'market.tick',
      at: now,
      regime: r.regime,
      bookSynced: true,
      scoreLong: r.scores.long,
      scoreShort: r.scores.short,
      agreeLong: open && flow > 0 && lean > 0 && spoof.bid < MAX_SIDE_SPOOF,
      agreeShort: open && flow < 0 && lean < 0 && spoof.ask < MAX_SIDE_SPOOF,
      newsBlock: highRiskNews(r.view),
    });
    const after = String(this.d.runtime.snapshot(actor)?.value ?? '');
    // What the chart armed on, kept with the decision: an audit can check it against the rules.
    if (after !== before && after.startsWith('ARMED_')) {
      this.d.eventLog.append({ type: 'symbol.armed', actor, data: { side: after === 'ARMED_LONG' ? 'long' : 'short', scoreLong: r.scores.long, scoreShort: r.scores.short, deltaRatio: flow, zonalImbalance: lean, spoofShareBid: spoof.bid, spoofShareAsk: spoof.ask, regime: r.regime, global } });
    }
  }

  private spawn(actor: string): void {
    if (this.spawning.has(actor)) return;
    this.spawning.add(actor);
    const s = this.d.config.scalper;
    void this.d.runtime
      .spawnAll([{ id: actor, spec: { kind: 'symbol', logic: this.logic, durable: false, input: { id: actor, watchThreshold: s.watchThreshold, armThreshold: s.armThreshold, cooldownMs: COOLDOWN_MS } } }])
      .catch((e: unknown) => this.d.logger.error({ actor, err: String(e) }, 'symbol actor could not start'))
      .finally(() => this.spawning.delete(actor));
  }

  /** The chart placed its entry: in SIGNAL mode that is a signal, admitted and tracked, or refused. */
  private enter(ctx: SymbolContext): void {
    const actor = ctx.id;
    const id = actor.slice('symbol:'.length);
    const now = this.d.clock.now();
    const fail = (reason: string): void => {
      this.d.eventLog.append({ type: 'signal.refused', actor, data: { reason } });
      this.d.runtime.send(actor, { type: 'entry.failed', at: now, reason });
    };
    const r = this.d.features.reading(id);
    const inst = this.d.instrument(id);
    if (!r || !inst || !ctx.side) return fail('no reading');
    const profile = this.profiles.adjust(id, now);
    if (profile.blacklisted) return fail(`blacklisted: ${profile.reasons.join('; ')}`);
    const cat = this.d.config.scalper.categories.normal;
    const built = buildSignal({
      view: r.view,
      scores: r.scores,
      regime: r.regime,
      newsBlock: highRiskNews(r.view),
      side: ctx.side,
      feesBps: r.view.fees.minMoveBps,
      equity: this.d.equity(),
      riskPerTrade: this.d.config.risk.riskPerTrade * profile.sizeFactor,
      leverage: Math.min(this.d.config.execution.leverage, cat.maxLeverage),
      latencyBufferBps: 1,
      maxSizeUsd: cat.maxSizeUsd,
      lot: lotOf(inst),
      tick: Number(inst.tickSize),
    });
    if (isSignalRefusal(built)) return fail(built.refused);
    this.generated.push({ instrument: id, ts: now });
    if (this.generated.length > 10_000) this.generated.shift();
    const ok = admit(built, this.tracker.limitState(now));
    if (!ok.ok) return fail(ok.reason);
    this.tracker.open(built);
    this.d.eventLog.append({ type: 'signal.emitted', actor, data: { ...built } });
    this.d.runtime.send(actor, { type: 'entry.filled', at: now, side: ctx.side, qty: built.suggestedQty, price: built.entry });
    void this.save();
  }

  private closed(c: ClosedSignal, now: number): void {
    const actor = `symbol:${c.signal.instrument}`;
    this.d.eventLog.append({ type: 'signal.closed', actor, data: { id: c.signal.id, outcome: c.outcome, pnlBps: c.pnlBps, rMultiple: c.rMultiple, holdMs: c.holdMs, mfeBps: c.mfeBps, maeBps: c.maeBps, tp1Hit: c.tp1Hit } });
    this.profiles.record(c.signal.instrument, { ts: now, win: c.pnlBps > 0, pnlBps: c.pnlBps, mfeBps: c.mfeBps, maeBps: c.maeBps, slippageBps: 0, holdMs: c.holdMs });
    this.d.runtime.send(actor, { type: 'position.closed', at: now, pnl: c.pnlQuote, reason: c.outcome });
    void this.save();
  }

  private save(): Promise<void> {
    return this.d.store.meta.put(STATE_KEY, JSON.stringify({ tracker: this.tracker.toJSON(), profiles: this.profiles.toJSON(), generated: this.generated })).catch(() => undefined);
  }
}
