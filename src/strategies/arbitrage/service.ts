/**
 * Cross-venue arbitrage, composed: route actors (machines/route.machine.ts) fed with the
 * opportunity engine's verdict on every conflated tick of either book, the sizing and choice
 * between routes competing for the same balance when routes arm, the two-leg sagas (sagaRunner),
 * perp–perp exits, the exposure watchdog, the trade audit and the metrics.
 *
 * Every decision is an `arb.*` record in the event log with the numbers it was made on (both
 * VWAPs, fees, buffers, threshold, size and what limited it), so a trade can be explained from
 * the log alone. Nothing fires on a book that is not synced, a venue whose breaker is open, a
 * portfolio that is not normal, or an edge that is negative after every cost at the size sent.
 */
import type { Subscription } from 'rxjs';
import type { TimerHandle } from '../../core/clock.ts';
import { errorMessage } from '../../core/errors.ts';
import type { FleetConfig, VenueId } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { MarketService } from '../../market/service.ts';
import type { ExecutionDeps, ExecutionService } from '../../execution/service.ts';
import { routeMachine, successRate, type RouteContext, type RouteEdge as RouteVerdict } from '../../../machines/route.machine.ts';
import type { TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { bareAsset, resolveRoute, routeSpecs, type ResolvedRoute, type RouteSpec } from './routes.ts';
import { pairGrid, type PairGrid } from './pairGrid.ts';
import { depthWithin } from './vwap.ts';
import { planTrade, routeEdge, type RouteEdge, type TradePlan } from './planner.ts';
import { type Edge, type EdgeParams, type LegBook } from './edge.ts';
import { exitPlan } from './exits.ts';
import { MidVolatility } from './volatility.ts';
import { allocate, opportunityScore } from './score.ts';
import type { ArbMetrics } from './metrics.ts';
import { TradeBook } from './tradeBook.ts';
import type { TradeAudit } from '../../execution/tradeAudit.ts';
import { SagaRunner, SAGA_PREFIX } from './sagaRunner.ts';
import { sagaNet } from './trade.ts';
import { ExposureTracker } from './exposureTracker.ts';
import type { RebalanceAdvice } from './rebalance.ts';
import { accountValue, rebalanceAdvice, sagaJson, usdMid, type SagaJson } from './views.ts';

/** What the execution service is built from, the trade audit, market data and execution. */
export interface ArbitrageDeps extends Pick<ExecutionDeps, 'config' | 'clock' | 'logger' | 'runtime' | 'eventLog' | 'store'> {
  /** The data dir's trade_audit.csv (shared with the scalper). */
  readonly audit: TradeAudit;
  readonly market: MarketService;
  readonly execution: ExecutionService;
}

interface RouteState {
  readonly spec: RouteSpec;
  readonly actorId: string;
  resolved: ResolvedRoute | undefined;
  grid: PairGrid | undefined;
  readonly vol: MidVolatility;
  edge: Edge | undefined;
  /** Net edge sampled over time, for the dashboard's spread chart. */
  readonly spreads: { ts: number; netBps: number; grossBps: number }[];
}

const EXPOSURE_EVERY_MS = 1000;
/** Spreads kept per route for the dashboard: one sample a second, ten minutes. */
const SPREAD_HISTORY = 600;
const SPREAD_SAMPLE_MS = 1000;
const VOL_HALF_LIFE_MS = 30_000;

export class ArbitrageService {
  readonly runner: SagaRunner;
  private readonly trades: TradeBook;
  private readonly routes: RouteState[] = [];
  private readonly byInstrument = new Map<string, RouteState[]>();
  private readonly pendingFire = new Set<string>();
  private readonly dirty = new Set<RouteState>();
  private config: FleetConfig;
  private params: EdgeParams;
  private readonly exposure: ExposureTracker;
  private readonly subs: Subscription[] = [];
  private readonly timers: TimerHandle[] = [];
  private readonly logic;
  private flushQueued = false;
  /** Assets already reported as unpriced in the total value. */
  private readonly unpriced = new Set<string>();
  private stopped = false;

  constructor(private readonly d: ArbitrageDeps) {
    this.config = d.config;
    this.params = edgeParams(d.config);
    this.trades = new TradeBook(d.store, d.audit);
    const a = d.config.arbitrage;
    this.logic = routeMachine.provide({ actions: { requestFire: ({ context }) => this.requestFire(context.id) } });
    for (const spec of routeSpecs(d.config)) {
      this.routes.push({ spec, actorId: spec.id, resolved: undefined, grid: undefined, vol: new MidVolatility(VOL_HALF_LIFE_MS), edge: undefined, spreads: [] });
    }
    this.runner = new SagaRunner({
      runtime: d.runtime,
      eventLog: d.eventLog,
      clock: d.clock,
      logger: d.logger.child({ component: 'saga' }),
      orders: d.execution.orders,
      instrument: (id) => d.market.market.registry.get(id),
      book: (id) => d.market.market.tradableBook(id)?.book,
      mayAddRisk: () => this.portfolioState() === 'normal',
      finished: (ctx, state) => this.sagaFinished(ctx, state),
      params: () => ({ retryGuardBps: this.config.arbitrage.retryGuardBps, maxUnwindLossBps: this.config.arbitrage.maxUnwindLossBps }),
      retireAfterMs: d.config.execution.retireAfterMs,
    });
    this.exposure = new ExposureTracker({
      graceMs: a.exposureGraceMs,
      store: d.store,
      ledger: () => d.execution.ledger,
      instrument: (id) => d.market.market.registry.get(id),
      reconciled: (venue) => d.execution.integrity().some((i) => i.venue === venue && i.checkedAt !== null),
      sagas: () => this.runner.all(),
      lotOf: (asset) => this.routes.filter((r) => r.resolved && bareAsset(r.resolved.a.base) === asset && r.grid).reduce((m, r) => Math.max(m, Number(r.grid!.coarse)), 0),
    });
  }

  async start(): Promise<void> {
    const { runtime, clock } = this.d;
    await this.trades.open();
    await this.exposure.load();
    await runtime.spawnAll(this.routes.filter((r) => !runtime.has(r.actorId)).map((r) => ({ id: r.actorId, spec: { kind: 'route', logic: this.logic, durable: false, input: { id: r.actorId, cooldownMs: this.config.arbitrage.cooldownMs } } })));
    await this.runner.restore();
    // A route restored in `executing` whose saga ended (or vanished) while the daemon was down.
    for (const r of this.routes) {
      const ctx = runtime.snapshot(r.actorId)?.context as RouteContext | undefined;
      const state = String(runtime.snapshot(r.actorId)?.value);
      if (state === 'executing' && ctx?.sagaId && !this.runner.get(ctx.sagaId)) runtime.send(r.actorId, { type: 'route.saga_finished', at: clock.now(), sagaId: ctx.sagaId, outcome: 'unknown' });
      if (state === 'armed') this.requestFire(r.actorId);
    }
    this.subs.push(this.d.market.market.ticks$.subscribe((id) => this.onTick(id)));
    this.subs.push(this.d.market.market.status$.subscribe((s) => this.onTick(s.instrument)));
    this.timers.push(clock.setInterval(() => this.checkExposure(), EXPOSURE_EVERY_MS));
    this.timers.push(clock.setInterval(() => this.resolveAll(), 1000));
    this.resolveAll();
  }

  /** Applies a reloaded config: thresholds, buffers, sizes and recovery limits take effect at once (routes need a restart). */
  reconfigure(config: FleetConfig): void {
    this.config = config;
    this.params = edgeParams(config);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    for (const t of this.timers) this.d.clock.clearInterval(t);
    this.runner.stop();
    await this.trades.close();
  }

  // ---- ticks and verdicts ----

  private resolveAll(): void {
    const registry = this.d.market.market.registry;
    for (const r of this.routes) {
      if (r.resolved) continue;
      const res = resolveRoute(r.spec, (v) => registry.ofVenue(v));
      if (typeof res === 'string') {
        this.d.runtime.send(r.actorId, { type: 'route.tick', at: this.d.clock.now(), blocked: res, edge: null });
        continue;
      }
      r.resolved = res;
      r.grid = pairGrid(res.a, res.b);
      for (const inst of [res.a, res.b]) {
        const list = this.byInstrument.get(inst.id) ?? [];
        list.push(r);
        this.byInstrument.set(inst.id, list);
      }
      this.d.eventLog.append({ type: 'arb.route_resolved', actor: r.actorId, data: { a: res.a.id, b: res.b.id, kind: res.kind, coarse: r.grid.coarse, fine: r.grid.fine } });
      this.markDirty(r);
    }
  }

  private onTick(instrumentId: string): void {
    const list = this.byInstrument.get(instrumentId);
    if (!list) return;
    for (const r of list) this.markDirty(r);
  }

  private markDirty(r: RouteState): void {
    this.dirty.add(r);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      if (this.stopped) return;
      const batch = [...this.dirty];
      this.dirty.clear();
      for (const route of batch) this.evaluate(route);
      this.fire();
    });
  }

  private legBook(inst: Instrument): LegBook | undefined {
    const sync = this.d.market.market.tradableBook(inst.id);
    if (!sync) return undefined;
    return { inst, asks: sync.book.asks, bids: sync.book.bids, takerFee: this.d.execution.takerFee(inst.id) };
  }

  /** Returns the instruments of the routes resolved so far (no other strategy should hold them). */
  legs(): ReadonlySet<string> {
    const out = new Set<string>();
    for (const r of this.routes) if (r.resolved) out.add(r.resolved.a.id).add(r.resolved.b.id);
    return out;
  }

  /** Returns why a route may not fire now, or null. */
  private blockedReason(r: ResolvedRoute): string | null {
    for (const inst of [r.a, r.b]) {
      const why = this.d.execution.openBlock(inst);
      if (why) return why;
      if (!this.d.market.market.tradableBook(inst.id)) return `book ${inst.id} not synced`;
    }
    return null;
  }

  /** Evaluates one route on the books of the moment and tells its actor. */
  private evaluate(r: RouteState): void {
    const { runtime, clock } = this.d;
    const now = clock.now();
    const res = r.resolved;
    if (!res) return;
    const state = String(runtime.snapshot(r.actorId)?.value ?? '');
    if (state === 'executing') {
      this.maybeExit(r, now);
      return;
    }
    const blocked = this.blockedReason(res);
    if (blocked !== null) {
      r.edge = undefined;
      runtime.send(r.actorId, { type: 'route.tick', at: now, blocked, edge: null });
      return;
    }
    const a = this.legBook(res.a)!;
    const b = this.legBook(res.b)!;
    const mid = (a.bids.best() + a.asks.best()) / 2;
    r.vol.update(now, res.a.price.toNumber(mid));
    r.edge = this.bestAtBudget(r, a, b);
    if (r.edge && now - (r.spreads.at(-1)?.ts ?? -Infinity) >= SPREAD_SAMPLE_MS) {
      r.spreads.push({ ts: now, netBps: r.edge.netBps, grossBps: r.edge.grossBps });
      if (r.spreads.length > SPREAD_HISTORY) r.spreads.shift();
    }
    const edge: RouteVerdict | null = r.edge ? { netBps: r.edge.netBps, thresholdBps: r.edge.thresholdBps, buy: r.edge.buy, qtyBase: r.edge.qtyBase } : null;
    runtime.send(r.actorId, { type: 'route.tick', at: now, blocked: null, edge });
  }

  /** Returns the better direction's edge at the size the budget and both books allow. */
  private bestAtBudget(r: RouteState, a: LegBook, b: LegBook): Edge | undefined {
    const cap = this.config.arbitrage.slippageCapBps;
    const vol = r.vol.bpsPerSqrtSec();
    let best: Edge | undefined;
    for (const [buy, sell, dir] of [[a, b, 'a'], [b, a, 'b']] as const) {
      const price = buy.inst.price.toNumber(buy.asks.best());
      if (!(price > 0)) continue;
      const qty = Math.min(r.spec.maxTradeUsd / price, depthWithin(buy.asks, buy.inst, cap), depthWithin(sell.bids, sell.inst, cap));
      if (!(qty > 0)) continue;
      const e = this.edgeOf(r.resolved!.kind, buy, sell, dir, qty, vol);
      if (e && (!best || e.netBps > best.netBps)) best = e;
    }
    return best;
  }

  private edgeOf(kind: 'spot' | 'perp', buy: LegBook, sell: LegBook, dir: 'a' | 'b', qty: number, vol: number): RouteEdge | undefined {
    return routeEdge(kind, buy, sell, dir, qty, vol, this.params, this.config.arbitrage.exitEdgeBps, kind === 'perp' ? this.fundingBps(buy.inst.id, sell.inst.id) : 0);
  }

  private fundingBps(buyId: string, sellId: string): number {
    const feeds = this.d.market.market.feeds;
    const horizon = this.d.clock.now() + this.config.arbitrage.maxHoldMs;
    const rate = (id: string): number => {
      const f = feeds.get(id)?.funding;
      return f && (f.nextFundingTime === undefined || f.nextFundingTime <= horizon) ? Number(f.rate) : 0;
    };
    const bps = (rate(sellId) - rate(buyId)) * 1e4;
    return Number.isFinite(bps) ? bps : 0;
  }

  // ---- firing ----

  private requestFire(routeId: string): void {
    this.pendingFire.add(routeId);
    if (!this.flushQueued) queueMicrotask(() => this.fire());
  }

  /**
   * Plans every armed route on the books of the moment, then gives the balances to the
   * best-scored plans first: a route whose need no longer fits what a better one took is declined
   * naming that balance.
   */
  private fire(): void {
    if (this.pendingFire.size === 0 || this.stopped) return;
    const ids = [...this.pendingFire];
    this.pendingFire.clear();
    const plans = new Map<string, { plan: TradePlan; score: number }>();
    for (const id of ids) {
      const r = this.routes.find((x) => x.actorId === id);
      const plan = r ? this.plan(r) : 'unknown route';
      if (typeof plan === 'string') {
        this.decline(id, plan);
        continue;
      }
      const stats = (this.d.runtime.snapshot(id)?.context as RouteContext | undefined)?.stats;
      const e = plan.edge;
      const score = opportunityScore({ netBps: e.netBps, thresholdBps: e.thresholdBps, notionalQuote: e.qtyBase * e.buyVwap, volBps: e.volBps, successRate: stats ? successRate(stats) : 0.5, attempts: stats?.fired ?? 0 });
      plans.set(id, { plan, score });
    }
    const free = new Map<string, number>();
    for (const { plan } of plans.values()) {
      for (const n of plan.needs) {
        const [venue, asset] = n.key.split('|') as [VenueId, string];
        free.set(n.key, this.d.execution.freeBalance(venue, asset));
      }
    }
    const { chosen, skipped } = allocate([...plans].map(([id, p]) => ({ id, score: p.score, needs: p.plan.needs })), free);
    for (const s of skipped) this.decline(s.id, `${s.key} is taken by a better-scored route this turn`);
    for (const id of chosen) this.launch(plans.get(id)!.plan, plans.get(id)!.score);
  }

  private decline(routeId: string, reason: string): void {
    this.trades.metrics.noteSkipped(reason.replace(/[\d.]+/g, '#'));
    this.d.eventLog.append({ type: 'arb.declined', actor: routeId, data: { reason } });
    this.d.runtime.send(routeId, { type: 'route.declined', at: this.d.clock.now(), reason });
  }

  private plan(r: RouteState): TradePlan | string {
    const res = r.resolved;
    if (!res || !r.edge) return 'no opportunity left on the books';
    const blocked = this.blockedReason(res);
    if (blocked) return blocked;
    const [buyInst, sellInst] = r.edge.buy === 'a' ? [res.a, res.b] : [res.b, res.a];
    const { execution } = this.d;
    return planTrade({
      routeId: r.actorId,
      kind: res.kind,
      buy: this.legBook(buyInst)!,
      sell: this.legBook(sellInst)!,
      dir: r.edge.buy,
      seen: r.edge,
      vol: r.vol.bpsPerSqrtSec(),
      budgetQuote: r.spec.maxTradeUsd,
      fundingBps: res.kind === 'perp' ? this.fundingBps(buyInst.id, sellInst.id) : 0,
      free: (inst, asset) => execution.freeBalance(inst.venue, asset),
      headroom: (inst) => execution.orderHeadroom(inst.venue),
      config: this.d.config,
      params: this.params,
      now: this.d.clock.now(),
    });
  }

  private launch(plan: TradePlan, score: number): void {
    const { clock, market } = this.d;
    const id = this.runner.nextId(plan.input.route.split(':')[1] ?? 'ARB');
    // When the latest update of either book arrived: the update this decision answers.
    const bookAt = Math.max(...[plan.input.legs.a.instrument, plan.input.legs.b.instrument].map((i) => market.market.tradableBook(i)?.lastMessageAt ?? 0));
    this.d.eventLog.append({ type: 'arb.decision', actor: plan.routeId, data: { saga: id, bookAt, score, ...plan.decision } });
    this.trades.metrics.noteOpportunity(plan.routeId);
    void this.runner.open({ id, ...plan.input })
      .then(() => this.d.runtime.send(plan.routeId, { type: 'route.fired', at: clock.now(), sagaId: id }))
      .catch((e: unknown) => this.decline(plan.routeId, `saga could not start: ${errorMessage(e)}`));
  }

  // ---- perp–perp exits ----

  private maybeExit(r: RouteState, now: number): void {
    const ctx = this.d.runtime.snapshot(r.actorId)?.context as RouteContext | undefined;
    const saga = ctx?.sagaId ? this.runner.get(ctx.sagaId) : undefined;
    if (!saga || saga.state !== 'hedged' || saga.context.kind !== 'perp') return;
    const s = saga.context;
    const book = (id: string): LegBook | undefined => {
      const inst = this.d.market.market.registry.get(id);
      return inst && this.legBook(inst);
    };
    const exit = exitPlan(s, book(s.legs.a.instrument), book(s.legs.b.instrument), this.config.arbitrage.exitEdgeBps, now);
    if (!exit) return;
    this.d.eventLog.append({ type: 'arb.exit', actor: r.actorId, data: { saga: s.id, spreadBps: exit.spreadBps, why: exit.why } });
    this.runner.send(s.id, { type: 'saga.exit', at: now, orders: exit.orders, why: exit.why });
  }

  // ---- endings, exposure ----

  private sagaFinished(ctx: TwoLegContext, state: 'done' | 'failed'): void {
    const { runtime, clock, eventLog, logger } = this.d;
    const now = clock.now();
    const residue = sagaNet(ctx);
    void eventLog.appendDurable({ type: 'saga.finished', actor: SAGA_PREFIX + ctx.id, data: { state, outcome: ctx.outcome, reason: ctx.reason, dust: ctx.dust, residueBase: residue } });
    runtime.send(ctx.route, { type: 'route.saga_finished', at: now, sagaId: ctx.id, outcome: ctx.outcome ?? state });
    // What a finished trade leaves (dust no venue would take, fees paid in the coin) is accepted
    // and said: it is explained from now on.
    if (state === 'done' && residue !== 0) this.exposure.acceptDust(ctx, residue);
    if (state === 'failed') {
      logger.error({ saga: ctx.id, reason: ctx.reason }, 'arbitrage saga failed with a leg open: risk off');
      void eventLog.appendDurable({ type: 'alert', actor: SAGA_PREFIX + ctx.id, data: { kind: 'orphaned_leg', reason: ctx.reason } });
      runtime.send('portfolio', { type: 'risk.escalate', at: now, reason: `saga ${ctx.id} failed: ${ctx.reason ?? 'leg left open'}` });
    }
    const row = this.trades.record(ctx, now);
    if (row) void eventLog.appendDurable({ type: 'arb.trade_closed', actor: SAGA_PREFIX + ctx.id, data: { ...row, instruments: row.instruments.join('|') } });
  }

  private checkExposure(): void {
    if (this.stopped) return;
    const { alarms, cleared } = this.exposure.check(this.d.clock.now());
    for (const a of alarms) {
      this.d.logger.error(a, 'unexplained exposure: risk off');
      void this.d.eventLog.appendDurable({ type: 'alert', data: { kind: 'exposure', ...a } });
      this.d.runtime.send('portfolio', { type: 'risk.escalate', at: this.d.clock.now(), reason: `unexplained ${a.asset} exposure of ${a.unexplained}` });
    }
    for (const asset of cleared) this.d.eventLog.append({ type: 'exposure.cleared', data: { asset } });
  }

  private portfolioState(): string {
    return String(this.d.runtime.snapshot('portfolio')?.value ?? 'unknown');
  }

  // ---- views ----

  /** Open (and recently finished) sagas with their legs, for GET /api/trades/active. */
  sagas(): SagaJson[] {
    return this.runner.all().map(sagaJson);
  }

  /** Numbers for /api/summary and /metrics: the trade metrics and the total estimated value across venues. */
  summary(): ReturnType<ArbMetrics['snapshot']> & { totalValue: string; routes: number; sagasOpen: number; rebalance: RebalanceAdvice['suggestions'] } {
    return {
      ...this.trades.metrics.snapshot(),
      rebalance: this.rebalance().suggestions,
      totalValue: this.totalValue(),
      routes: this.routes.length,
      sagasOpen: this.runner.all().filter((s) => s.state !== 'done' && s.state !== 'failed').length,
    };
  }

  /** Returns the estimated value of every account across venues, in USD (see views.ts). */
  totalValue(): string {
    const ex = this.d.execution;
    return accountValue(ex.ledger.balances(), ex.numbers().unrealizedPnl, (venue, asset) => usdMid(this.d.market.market, venue, asset), (venue, asset) => {
      if (this.unpriced.has(asset)) return;
      this.unpriced.add(asset);
      this.d.logger.warn({ venue, asset }, 'no book prices this holding: left out of the total value');
    });
  }

  /** Venues short of what their routes' next trade needs (and which venue shows the most opportunities). */
  rebalance(): RebalanceAdvice {
    const routes = this.routes.flatMap((r) => {
      const res = r.resolved;
      if (!res) return [];
      const book = this.d.market.market.tradableBook(res.a.id)?.book;
      return [{ id: r.actorId, a: res.a, b: res.b, budgetQuote: r.spec.maxTradeUsd, mid: book ? res.a.price.toNumber(book.mid()) : NaN }];
    });
    return rebalanceAdvice(routes, (v, asset) => this.d.execution.freeBalance(v as VenueId, asset), this.config.execution.leverage, this.trades.metrics.snapshot().opportunitiesByRoute);
  }

  /** Routes with their state, last verdict and recent spreads (dashboard). */
  routesView(): { id: string; state: string; blocked: string | null; netBps: number | null; thresholdBps: number | null; spreads: RouteState['spreads'] }[] {
    return this.routes.map((r) => {
      const snap = this.d.runtime.snapshot(r.actorId);
      const ctx = snap?.context as RouteContext | undefined;
      return { id: r.actorId, state: String(snap?.value ?? 'unknown'), blocked: ctx?.blockedReason ?? null, netBps: r.edge?.netBps ?? null, thresholdBps: r.edge?.thresholdBps ?? null, spreads: r.spreads };
    });
  }
}

function edgeParams(config: FleetConfig): EdgeParams {
  const a = config.arbitrage;
  return {
    slippageBufferBps: a.slippageBufferBps,
    latencyBufferBps: a.latencyBufferBps,
    latencyMs: a.latencyMs,
    volMultiplier: a.volMultiplier,
    minNetEdgeBps: a.minNetEdgeBps,
    calmVolBps: a.calmVolBps,
    maxVolBps: a.maxVolBps,
  };
}
