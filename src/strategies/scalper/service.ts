/**
 * The scalper: one symbol chart per followed perp (`symbol:<instrument id>`; only the universe's
 * members when a universe selector runs), fed with every reading of its features (regime, both
 * scores net of the symbol profile's score boost, whether walls, flow, news and the global regime
 * agree with each side, and in the trading modes whether a scalp may open at all). When a chart
 * arms and places its entry:
 *
 * - SIGNAL mode: the entry is a signal (signals.ts), admitted by the limits, logged
 *   (`signal.emitted`), and tracked virtually to its outcome on the following readings
 *   (`signal.closed`), which closes the chart's position and feeds the symbol's profile. Refused
 *   signals are `signal.refused` records and send the chart back to FLAT.
 * - SIM, DRY, LIVE: the same signal sizes the trade (risk per trade × the profile's size factor,
 *   the category's leverage and size caps), the same limits admit it, and the ScalpTrader places
 *   it (maker first, taker fallback, auto-cancel) and manages it to its close (trader.ts).
 *
 * Instruments in an arbitrage route are not scalped: both strategies on one position would
 * close each other's legs.
 */
import type { Subscription } from 'rxjs';
import type { FleetConfig, Mode } from '../../config/schema.ts';
import type { ExecutionDeps } from '../../execution/service.ts';
import type { OrderManager } from '../../execution/orderManager.ts';
import type { TradeAudit } from '../../execution/tradeAudit.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { FeatureService, SymbolReading } from '../../features/service.ts';
import { symbolMachine, EXPOSED_STATES, type SymbolContext, type SymbolEvent } from '../../../machines/symbol.machine.ts';
import { highRiskNews, mayOpen } from './regime.ts';
import { buildSignal, admit, assetOf, isSignalRefusal, type Signal } from './signals.ts';
import { SignalTracker, type ClosedSignal } from './signalTracker.ts';
import { signalReport } from './signalReport.ts';
import { SymbolProfiles } from './profiles.ts';
import { lotOf } from './tpsl.ts';
import { limitOptions, signalOptions } from './settings.ts';
import { AdmissionCounts, type AdmissionCountsJSON } from './admissions.ts';
import { ScalpTrader } from './trader.ts';
import { entryPrice, filledLots, type ScalpTrade } from './scalpTrade.ts';
import type { TradeAuditRow } from '../../execution/tradeAudit.ts';

/** What the trading modes need of execution. */
export interface ScalperExecution {
  readonly orders: Pick<OrderManager, 'submit' | 'cancel' | 'context' | 'status' | 'updated$'>;
  /** Why new risk may not open on an instrument now, or null. */
  openBlock(inst: Instrument): string | null;
  /** The ledger's signed position (0 when flat). */
  positionQty(instrument: string): number;
}

/** What the execution service is built from, and the features, instruments, mode and equity. */
export interface ScalperDeps extends Pick<ExecutionDeps, 'clock' | 'logger' | 'runtime' | 'eventLog' | 'store'> {
  config(): FleetConfig;
  readonly features: FeatureService;
  /** The data dir's trade_audit.csv (shared with the arbitrage): closed scalps are written there. */
  readonly audit?: TradeAudit;
  readonly execution?: ScalperExecution;
  /** The universe selector, when one runs: only its members get charts. */
  readonly universe?: { member(id: string): { category: 'prime' | 'normal' | 'wild'; newListing: boolean } | undefined };
  instrument(id: string): Instrument | undefined;
  /** The best bid and ask in quote, when the book is synced. */
  touch(id: string): { bid: number; ask: number } | undefined;
  /** Instruments other strategies hold (arbitrage route legs). */
  reserved?(): ReadonlySet<string>;
  mode(): Mode;
  /** The portfolio's equity in quote. */
  equity(): number;
  /** Raises the portfolio to risk_off. */
  escalate(reason: string): void;
}

const STATE_KEY = 'scalper.signals';
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
  limits = new AdmissionCounts();
  readonly trader: ScalpTrader | undefined;
  private readonly charts = new Set<string>();
  private readonly spawning = new Set<string>();
  private readonly subs: Subscription[] = [];
  private readonly logic;
  /** Every signal made, emitted or refused by the limits (instrument and time), the last 10 000. */
  private generated: { instrument: string; ts: number }[] = [];

  constructor(private readonly d: ScalperDeps) {
    this.logic = symbolMachine.provide({
      actions: {
        placeEntry: ({ context }) => queueMicrotask(() => this.enter(context)),
        cancelEntry: ({ context }) => queueMicrotask(() => this.trader?.cancelEntry(context.id.slice('symbol:'.length), context.reasons.join('; '))),
      },
    });
    const ex = d.execution;
    if (ex) {
      this.trader = new ScalpTrader({
        clock: d.clock, logger: d.logger, eventLog: d.eventLog, store: d.store, orders: ex.orders,
        instrument: (id) => d.instrument(id), touch: (id) => d.touch(id), positionQty: (id) => ex.positionQty(id),
        audit: () => d.audit, settings: () => d.config().scalper,
        chart: (id, ev) => this.chart(id, ev), closed: (t, row) => this.tradeClosed(t, row), escalate: (r) => d.escalate(r),
      });
    }
  }

  async start(): Promise<void> {
    const raw = await this.d.store.meta.get(STATE_KEY);
    if (raw) {
      try {
        const s = JSON.parse(raw) as { tracker: Parameters<typeof SignalTracker.from>[0]; profiles: Parameters<typeof SymbolProfiles.from>[0]; generated: { instrument: string; ts: number }[]; limits?: AdmissionCountsJSON };
        this.tracker = SignalTracker.from(s.tracker);
        this.profiles = SymbolProfiles.from(s.profiles);
        this.generated = s.generated;
        this.limits = AdmissionCounts.from(s.limits);
      } catch (e) {
        this.d.logger.error({ err: String(e) }, 'saved signals unreadable; starting with none');
      }
    }
    await this.trader?.start();
    this.subs.push(this.d.features.read$.subscribe((id) => this.onReading(id)));
  }

  async stop(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.trader?.stop();
    await this.save();
  }

  /** Applies a reloaded config to the running charts (thresholds, cooldown). */
  reconfigure(): void {
    const s = this.d.config().scalper;
    for (const id of this.charts) this.d.runtime.send(id, { type: 'symbol.configure', watchThreshold: s.watchThreshold, armThreshold: s.armThreshold, cooldownMs: s.cooldownMs });
  }

  /** The signals open and the last closed ones, for GET /api/signals. */
  signals(): { open: readonly Signal[]; closed: readonly ClosedSignal[] } {
    return { open: this.tracker.openSignals(), closed: this.tracker.closed().slice(-100) };
  }

  /** Every signal made (emitted or refused by the limits), the last 10 000: a report's `generated`. */
  generatedSignals(): readonly { instrument: string; ts: number }[] {
    return this.generated;
  }

  /** The report over every closed signal (GET /api/signals/report). */
  report(): ReturnType<typeof signalReport> {
    return signalReport(this.tracker.closed(), { generated: this.generated });
  }

  /** The scalps open and the last closed ones (GET /api/scalper). */
  scalps(): { active: readonly ScalpTrade[]; closed: readonly ScalpTrade[] } {
    return { active: this.trader?.active() ?? [], closed: this.trader?.closedTrades().slice(-100) ?? [] };
  }

  private trading(): boolean {
    const m = this.d.mode();
    return m !== 'signal' && this.trader !== undefined;
  }

  private onReading(id: string): void {
    const r = this.d.features.reading(id);
    const inst = this.d.instrument(id);
    if (!r || !inst || inst.kind !== 'perp') return;
    const now = this.d.clock.now();
    const global = this.d.features.globalRegime()?.regime ?? 'GLOBAL_NORMAL';
    // Open scalps are managed in every mode and with the scalper switched off: a mode switch or a
    // config reload must not leave a position unwatched.
    this.trader?.onReading(id, { pumpPhase: r.view.pump.phase, globalPanic: global === 'GLOBAL_PANIC' });
    if (!this.d.config().scalper.enabled) return;
    const signal = this.d.mode() === 'signal';
    if (signal) for (const c of this.tracker.onPrice(id, now, r.view.mid)) this.closed(c, now);
    if (!signal && !this.trading()) return;
    // Members only, when a universe runs; a symbol with a scalp open keeps its chart regardless.
    if (this.d.universe && !this.d.universe.member(id) && !this.trader?.trade(id)) return;
    const actor = `symbol:${id}`;
    if (!this.d.runtime.has(actor)) {
      this.spawn(actor, id);
      return;
    }
    const blocked = signal ? null : this.openBlock(inst);
    const open = mayOpen(global) && !r.view.news.fresh && blocked === null;
    const flow = r.view.flow.deltaRatio;
    const lean = r.view.imbalance.zonal;
    const spoof = { bid: spoofShare(r, 'bid'), ask: spoofShare(r, 'ask') };
    // A profile that raises the required score does so by lowering what the chart sees.
    const boost = this.profiles.adjust(id, now).scoreBoost;
    const before = String(this.d.runtime.snapshot(actor)?.value ?? '');
    this.d.runtime.send(actor, {
      type: 'market.tick',
      at: now,
      regime: r.regime,
      bookSynced: true,
      scoreLong: r.scores.long - boost,
      scoreShort: r.scores.short - boost,
      agreeLong: open && flow > 0 && lean > 0 && spoof.bid < MAX_SIDE_SPOOF,
      agreeShort: open && flow < 0 && lean < 0 && spoof.ask < MAX_SIDE_SPOOF,
      newsBlock: highRiskNews(r.view),
    });
    const after = String(this.d.runtime.snapshot(actor)?.value ?? '');
    // What the chart armed on, kept with the decision: an audit can check it against the rules.
    if (after !== before && after.startsWith('ARMED_')) {
      this.d.eventLog.append({ type: 'symbol.armed', actor, data: { side: after === 'ARMED_LONG' ? 'long' : 'short', scoreLong: r.scores.long, scoreShort: r.scores.short, scoreBoost: boost, deltaRatio: flow, zonalImbalance: lean, spoofShareBid: spoof.bid, spoofShareAsk: spoof.ask, regime: r.regime, global } });
    }
  }

  /** Why no scalp may open on the instrument now (trading modes), or null. */
  private openBlock(inst: Instrument): string | null {
    if (this.d.reserved?.().has(inst.id)) return 'instrument is an arbitrage route leg';
    if (this.trader!.trade(inst.id)) return null;
    if (this.trader!.active().length >= this.d.config().scalper.maxOpenPositions) return 'max open positions';
    return this.d.execution!.openBlock(inst);
  }

  private spawn(actor: string, id: string): void {
    if (this.spawning.has(actor)) return;
    this.spawning.add(actor);
    const s = this.d.config().scalper;
    void this.d.runtime
      .spawnAll([{ id: actor, spec: { kind: 'symbol', logic: this.logic, durable: false, input: { id: actor, watchThreshold: s.watchThreshold, armThreshold: s.armThreshold, cooldownMs: s.cooldownMs } } }])
      .then(() => {
        this.charts.add(actor);
        this.reconcileChart(actor, id);
      })
      .catch((e: unknown) => this.d.logger.error({ actor, err: String(e) }, 'symbol actor could not start'))
      .finally(() => this.spawning.delete(actor));
  }

  /**
   * A restored chart and the scalps must tell the same story: the chart's snapshot is written
   * behind, the scalps before every order, so the scalps win.
   */
  private reconcileChart(actor: string, id: string): void {
    if (!this.trading()) return;
    const state = String(this.d.runtime.snapshot(actor)?.value ?? '');
    const t = this.trader!.trade(id);
    const now = this.d.clock.now();
    const exposed = EXPOSED_STATES.includes(state);
    if (t && t.phase === 'open' && state !== 'IN_POSITION' && state !== 'MANAGING') {
      const inst = this.d.instrument(id);
      if (!inst) return;
      this.chart(id, { type: 'position.adopted', at: now, side: t.side, qty: inst.qty.toNumber(filledLots(t).entry), price: entryPrice(t, inst), reason: `scalp ${t.id} open after a restart` });
    } else if (!t && exposed) {
      const reason = 'no scalp after a restart';
      this.chart(id, state === 'ORDER_PLACED' ? { type: 'entry.failed', at: now, reason } : { type: 'position.closed', at: now, pnl: 0, reason });
    }
  }

  private chart(id: string, ev: SymbolEvent): void {
    this.d.runtime.send(`symbol:${id}`, ev);
  }

  /** The chart placed its entry: a signal (SIGNAL mode) or a scalp (trading modes), or a refusal. */
  private enter(ctx: SymbolContext): void {
    const actor = ctx.id;
    const id = actor.slice('symbol:'.length);
    const now = this.d.clock.now();
    const signalMode = this.d.mode() === 'signal';
    const fail = (reason: string): void => {
      this.d.eventLog.append({ type: signalMode ? 'signal.refused' : 'scalp.refused', actor, data: { reason } });
      this.d.runtime.send(actor, { type: 'entry.failed', at: now, reason });
    };
    const r = this.d.features.reading(id);
    const inst = this.d.instrument(id);
    if (!r || !inst || !ctx.side) return fail('no reading');
    const profile = this.profiles.adjust(id, now);
    if (profile.blacklisted) return fail(`blacklisted: ${profile.reasons.join('; ')}`);
    const config = this.d.config();
    const category = this.d.universe?.member(id)?.category ?? 'normal';
    const cat = config.scalper.categories[category];
    const built = buildSignal({
      view: r.view,
      scores: r.scores,
      regime: r.regime,
      newsBlock: highRiskNews(r.view),
      side: ctx.side,
      feesBps: r.view.fees.minMoveBps,
      equity: this.d.equity(),
      riskPerTrade: config.risk.riskPerTrade * profile.sizeFactor,
      leverage: Math.min(config.execution.leverage, cat.maxLeverage),
      latencyBufferBps: config.scalper.entry.latencyBufferBps,
      maxSizeUsd: cat.maxSizeUsd,
      lot: lotOf(inst),
      tick: Number(inst.tickSize),
    }, signalOptions(config.scalper));
    if (isSignalRefusal(built)) return fail(built.refused);
    if (signalMode) return this.emitSignal(built, actor, fail);
    const open = this.trader!.active().map((t) => ({ id: t.id, instrument: t.instrument, asset: assetOf(t.instrument), side: t.side }));
    const ok = admit(built, this.limits.state(now, open), limitOptions(config.scalper));
    if (!ok.ok) return fail(ok.reason);
    void this.trader!.enter({
      instrument: id, side: built.side, category, tier: built.tier, quality: built.quality, conditions: built.conditions,
      decisionMid: r.view.mid, stopFrac: Math.abs(built.entry - built.stop) / built.entry, minMoveBps: r.view.fees.minMoveBps, feesBps: built.feesBps, qty: built.suggestedQty,
    }).then((refused) => {
      if (refused) return fail(refused);
      this.limits.entered(built);
      void this.save();
    });
  }

  private emitSignal(built: Signal, actor: string, fail: (reason: string) => void): void {
    const now = this.d.clock.now();
    this.generated.push({ instrument: built.instrument, ts: now });
    if (this.generated.length > 10_000) this.generated.shift();
    const ok = admit(built, this.tracker.limitState(now), limitOptions(this.d.config().scalper));
    if (!ok.ok) return fail(ok.reason);
    this.tracker.open(built);
    this.d.eventLog.append({ type: 'signal.emitted', actor, data: { ...built } });
    this.d.runtime.send(actor, { type: 'entry.filled', at: now, side: built.side, qty: built.suggestedQty, price: built.entry });
    void this.save();
  }

  private closed(c: ClosedSignal, now: number): void {
    const actor = `symbol:${c.signal.instrument}`;
    this.d.eventLog.append({ type: 'signal.closed', actor, data: { id: c.signal.id, outcome: c.outcome, pnlBps: c.pnlBps, rMultiple: c.rMultiple, holdMs: c.holdMs, mfeBps: c.mfeBps, maeBps: c.maeBps, tp1Hit: c.tp1Hit } });
    this.profiles.record(c.signal.instrument, { ts: now, win: c.pnlBps > 0, pnlBps: c.pnlBps, mfeBps: c.mfeBps, maeBps: c.maeBps, slippageBps: 0, holdMs: c.holdMs });
    this.d.runtime.send(actor, { type: 'position.closed', at: now, pnl: c.pnlQuote, reason: c.outcome });
    void this.save();
  }

  /** A scalp closed: its outcome feeds the profile and the loss cooldown. */
  private tradeClosed(t: ScalpTrade, row: TradeAuditRow | undefined): void {
    const now = this.d.clock.now();
    if (!row) return;
    const entry = Number(row.entry);
    const notional = entry * Number(row.qty);
    const pnlBps = notional > 0 ? (Number(row.pnl) / notional) * 1e4 : 0;
    if (pnlBps < 0) this.limits.lost(t.instrument, now);
    const dir = t.side === 'long' ? 1 : -1;
    const bps = (px: number | undefined): number => (entry > 0 && px !== undefined ? ((px - entry) / entry) * 1e4 * dir : 0);
    this.profiles.record(t.instrument, { ts: now, win: pnlBps > 0, pnlBps, mfeBps: Math.max(0, bps(t.exit?.peak)), maeBps: Math.max(0, -bps(t.exit?.trough)), slippageBps: row.slippageBps, holdMs: row.closed - row.opened });
    void this.save();
  }

  private save(): Promise<void> {
    return this.d.store.meta.put(STATE_KEY, JSON.stringify({ tracker: this.tracker.toJSON(), profiles: this.profiles.toJSON(), generated: this.generated, limits: this.limits.toJSON() })).catch(() => undefined);
  }
}
