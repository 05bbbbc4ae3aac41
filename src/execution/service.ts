/**
 * Execution as one service: the trading adapter of each venue for the mode (the venue's own
 * private API in SIM and LIVE, the paper engine in DRY and for Hyperliquid), the order manager,
 * the ledger, the risk engine, reconciliation and the mode. It is where the portfolio's rules
 * meet the venues:
 *
 * - Every order passes the pre-trade checks (mode, portfolio state, venue integrity, breakers
 *   and kills, limits, instrument rules, balance); a failure is an OrderDenied record.
 * - Fills reach the ledger on arrival (before any balance message); the ledger and the risk
 *   state are persisted write-behind and restored at start, then reconciled against the venues.
 * - Every second the risk engine judges daily realized loss and drawdown on mark-to-market
 *   equity; private streams or market data down longer than `venueDownKillMs` kill that venue.
 * - The kill switch (API, a limit, a venue down too long) at global level sends the portfolio to
 *   `killed`; entering `killed` cancels every open order and flattens every position, whatever
 *   sent it there.
 */
import type { Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import { VENUE_IDS, type FleetConfig, type Mode, type VenueId } from '../config/schema.ts';
import type { Instrument } from '../model/instrument.ts';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import type { EventLog } from '../runtime/eventLog.ts';
import type { Store } from '../runtime/store.ts';
import type { MarketService } from '../market/service.ts';
import { Ledger, type LedgerState } from '../risk/ledger.ts';
import { RiskEngine, type KillLevel, type RiskEngineState, type RiskLimits, type RiskVerdict } from '../risk/riskEngine.ts';
import { checkOrder } from '../risk/preTrade.ts';
import type { OrderContext } from '../../machines/order.machine.ts';
import { OrderManager, type AppliedFill, type OrderIntent, type OrderOutcome, type PreTradeInput, type PreTradeVerdict } from './orderManager.ts';
import { Reconciler, type VenueIntegrity } from './reconciler.ts';
import { ModeControl, missingLiveKeys, type ModeAnswer } from './modeControl.ts';
import { adapterKind, paperAdapter, venueAdapter } from './tradingAdapters.ts';
import { FLATTEN, cancelVenue, closePositions, type FlattenDeps } from './flatten.ts';
import { markOf } from './marks.ts';
import { addText, cmp, parseDec } from '../model/decimal.ts';
import type { FeeRate, PrivateAdapter, PrivateAdapterFactory, VenueBalance, VenuePosition } from './types.ts';

export interface ExecutionDeps {
  readonly config: FleetConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: ActorRuntime;
  readonly eventLog: EventLog;
  readonly store: Store;
  readonly market: MarketService | undefined;
  /** FLEET_LIVE_PIN. */
  readonly pin: string | undefined;
  /** The mode the daemon starts in (command line, persisted, or config). */
  readonly mode: Mode;
  /** Fee rates of venues that cannot be asked (paper), per venue. */
  fallbackFees(venue: VenueId): { maker: number; taker: number };
  readonly factories?: Readonly<Partial<Record<VenueId, PrivateAdapterFactory>>>;
  /** Persists a mode switched through the API (it survives a restart). */
  onModeChanged?(mode: Mode): Promise<void>;
}

export interface PortfolioNumbers {
  readonly equity: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly heat: number;
  readonly dailyPnl: string;
}

export interface ActivePosition {
  readonly instrument: string;
  readonly side: 'long' | 'short';
  readonly qty: string;
  readonly entry: string;
  readonly unrealizedPnl: string;
}

const LEDGER_KEY = 'ledger';
const RISK_KEY = 'risk';
const PERSIST_MS = 1_000;
const RISK_EVAL_MS = 1_000;
const DAY_MS = 86_400_000;

/** Returns the risk limits of the config. */
export function riskLimits(config: FleetConfig): RiskLimits {
  const r = config.risk;
  return {
    dailyLossLimit: r.dailyLossLimit,
    maxDrawdown: r.maxDrawdown,
    maxPortfolioHeat: r.maxPortfolioHeat,
    maxConsecutiveFailures: r.maxConsecutiveFailures,
    maxOrderNotional: r.maxOrderNotional,
    maxOpenOrders: r.maxOpenOrders,
    breaker: r.breaker,
    venueDownKillMs: r.venueDownKillMs,
  };
}

export class ExecutionService {
  readonly orders: OrderManager;
  ledger = new Ledger();
  risk: RiskEngine;
  readonly limits: RiskLimits;
  readonly modeControl: ModeControl;
  reconciler: Reconciler | undefined;
  private readonly adapters = new Map<VenueId, PrivateAdapter>();
  private readonly fees = new Map<string, FeeRate>();
  /** The free balance each venue last reported, by `venue|asset`. */
  private readonly venueFree = new Map<string, string>();
  private readonly subs: Subscription[] = [];
  private readonly timers: TimerHandle[] = [];
  /** Since when each venue's private stream has been down (absent: up or never started). */
  private readonly streamDownSince = new Map<VenueId, number>();
  /** Each venue's traded instruments, once market data has loaded them. */
  private readonly instrumentsOf = new Map<VenueId, readonly Instrument[]>();
  /** A paper adapter waiting for its venue's instruments. */
  private readonly awaitingInstruments = new Map<VenueId, (list: readonly Instrument[]) => void>();
  private dirty = false;
  private killing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly d: ExecutionDeps) {
    this.limits = riskLimits(d.config);
    this.risk = new RiskEngine(this.limits);
    this.modeControl = new ModeControl({
      clock: d.clock,
      mode: d.mode,
      pin: d.pin,
      missingKeys: () => missingLiveKeys(d.config.venues),
      apply: (mode) => this.applyMode(mode),
    });
    this.orders = new OrderManager({
      runtime: d.runtime,
      eventLog: d.eventLog,
      clock: d.clock,
      logger: d.logger.child({ component: 'orders' }),
      instrument: (id) => d.market?.market.registry.get(id),
      instrumentOf: (venue, symbol) => d.market?.market.registry.lookup(venue)(symbol),
      adapter: (venue) => this.adapters.get(venue),
      preTrade: (input) => this.preTrade(input),
      applyFill: (f) => this.applyFill(f),
      // The ledger keeps what the daemon did; the difference is for reconciliation to raise
      // (INTEGRITY_BROKEN) and the operator to settle.
      foreignFill: (venue, fill) => {
        d.logger.warn({ venue, clientOrderId: fill.clientOrderId, tradeId: fill.tradeId }, 'a fill of an order the daemon did not place');
        void this.reconciler?.run(venue);
      },
      outcome: (venue, instrument, ok, reason) => this.outcome(venue, instrument, ok, reason),
      closed: (ctx, status) => this.orderClosed(ctx, status),
      unknownNotFoundMs: d.config.execution.unknownNotFoundMs,
      retireAfterMs: d.config.execution.retireAfterMs,
    });
  }

  private get flattenDeps(): FlattenDeps {
    return { clock: this.d.clock, orders: this.orders, lookup: (v) => this.d.market?.market.registry.lookup(v), log: (t, data, durable) => this.log(t, data, durable) };
  }

  get mode(): Mode {
    return this.modeControl.mode;
  }

  /** The venues that trade in this daemon (enabled, with market data). */
  get venues(): VenueId[] {
    return VENUE_IDS.filter((v) => this.d.config.venues[v]?.enabled);
  }

  /** Restores the ledger, risk state and orders, connects the trading adapters, starts the checks. */
  async start(): Promise<void> {
    const { store, clock, runtime } = this.d;
    const [ledger, risk] = await store.ledger.getMany([LEDGER_KEY, RISK_KEY]);
    if (ledger) this.ledger = Ledger.from(JSON.parse(ledger) as LedgerState);
    if (risk) this.risk = RiskEngine.from(JSON.parse(risk) as RiskEngineState, this.limits);
    const open = await this.orders.restore();
    this.reconciler = new Reconciler(
      {
        clock,
        logger: this.d.logger.child({ component: 'reconcile' }),
        adapter: (v) => this.adapters.get(v),
        local: { openOrders: (v) => this.orders.open({ venue: v }).map((o) => ({ clientOrderId: o.clientOrderId, symbol: o.spec?.symbol ?? '' })), positions: (v) => this.localPositions(v) },
        sync: (cid) => this.orders.sync(cid),
        adoptBalances: (v, b) => this.adoptBalances(v, b),
        log: (type, data, durable) => this.log(type, data, durable),
        changed: (v, i) => this.integrityChanged(v, i),
        intervalMs: this.d.config.execution.reconcileIntervalMs,
        graceMs: this.d.config.execution.reconcileGraceMs,
      },
      this.venues,
    );
    // Nothing trades on a venue until its first reconciliation has passed.
    for (const v of this.venues) this.risk.blockVenue(v, 'not reconciled yet since start');
    this.subs.push(runtime.changed$.subscribe((c) => {
      if (c.id !== 'portfolio') return;
      if (c.state === 'killed') void this.killAll('portfolio killed');
      else if (c.state === 'normal') this.liftGlobalKill('portfolio reset');
    }));
    await this.connectAdapters(this.mode);
    if (open.length) this.log('orders.restored', { open });
    for (const cid of open) void this.orders.sync(cid);
    this.reconciler.start();
    this.timers.push(clock.setInterval(() => this.evaluate(), RISK_EVAL_MS));
    this.timers.push(clock.setInterval(() => void this.persist(), PERSIST_MS));
    const portfolio = String(runtime.snapshot('portfolio')?.value);
    if (portfolio === 'killed') void this.killAll('portfolio was killed before the restart');
    // The portfolio is persisted on every transition, the risk state write-behind: a reset that
    // reached the portfolio but not the risk state before a crash is still a reset.
    else if (portfolio === 'normal') this.liftGlobalKill('portfolio reset before the restart');
  }

  /** Places an order through the checks; resolves once the venue answered (or it is UNKNOWN). */
  submit(intent: OrderIntent): Promise<OrderOutcome> {
    return this.orders.submit(intent);
  }

  /** Returns the taker fee rate of an instrument: the venue's when it told us, else the config's, else the venue default. */
  takerFee(instrumentId: string): number {
    const venue = instrumentId.slice(0, instrumentId.indexOf(':')) as VenueId;
    const known = this.fees.get(instrumentId)?.taker;
    return Number(known ?? this.d.config.venues[venue]?.fees?.taker ?? this.d.fallbackFees(venue).taker);
  }

  /** Returns the free balance of an asset on a venue (the smaller of the ledger's and the venue's last report). */
  freeBalance(venue: VenueId, asset: string): number {
    return Number(this.free(venue, asset));
  }

  /** Returns how many more requests a venue's rate limits admit right now (Infinity when it does not say). */
  orderHeadroom(venue: VenueId): number {
    const h = this.adapters.get(venue)?.limiter?.headroom();
    if (!h) return this.adapters.has(venue) ? Infinity : 0;
    const values = Object.values(h);
    return values.length ? Math.min(...values) : Infinity;
  }

  /**
   * Returns why a strategy may not open new risk on an instrument now (portfolio not normal, a
   * mode that places no orders or is not armed, no trading connection, a kill, a block or an open
   * breaker), or null when it may.
   */
  openBlock(inst: Pick<Instrument, 'id' | 'venue'>): string | null {
    const portfolio = String(this.d.runtime.snapshot('portfolio')?.value ?? 'unknown');
    if (portfolio !== 'normal') return `portfolio ${portfolio}`;
    if (this.mode === 'signal') return 'signal mode places no orders';
    if (this.mode === 'live' && !this.modeControl.armed) return 'live mode is not armed';
    if (!this.trades(inst.venue)) return `${inst.venue} has no trading connection`;
    return this.risk.blocked(inst.venue, inst.id, this.d.clock.now(), false) ?? null;
  }

  /** Returns true when the venue has a trading connection in the current mode. */
  trades(venue: VenueId): boolean {
    return this.adapters.has(venue);
  }

  /** POST /api/mode. */
  setMode(req: { mode: Mode; pin?: string; confirm?: string }): Promise<ModeAnswer> {
    return this.modeControl.request(req);
  }

  integrity(): VenueIntegrity[] {
    return this.reconciler?.all() ?? [];
  }

  /** The operator takes the venue's orders, positions and balances as the truth. */
  async adopt(venue: VenueId): Promise<VenueIntegrity> {
    if (!this.reconciler || !this.adapters.has(venue)) throw new Error(`${venue} has no trading connection`);
    const out = await this.reconciler.adopt(venue, (positions) => this.adoptPositions(venue, positions));
    this.dirty = true;
    return out;
  }

  /** Cancels every open order at the venue (ours and others) and closes every position; adopt the result afterwards. */
  async flatten(venue: VenueId, reason: string): Promise<{ canceled: number; closing: number }> {
    const adapter = this.adapters.get(venue);
    if (!adapter) throw new Error(`${venue} has no trading connection`);
    this.log('flatten.started', { venue, reason }, true);
    const canceled = await cancelVenue(this.flattenDeps, venue, adapter, reason);
    const positions = await adapter.positions();
    const closing = closePositions(this.flattenDeps, venue, positions, reason);
    this.log('flatten.requested', { venue, canceled, closing });
    return { canceled, closing };
  }

  /** Numbers for /api/summary. */
  numbers(): PortfolioNumbers {
    const marks = (id: string): string | undefined => this.mark(id);
    let unrealized = '0';
    const realized = this.ledger.realizedPnl();
    for (const p of this.ledger.positions()) unrealized = addText(unrealized, this.ledger.unrealizedPnl(p.instrument, marks(p.instrument) ?? p.entryPrice)) ?? unrealized;
    const equity = this.ledger.equity(marks);
    return {
      equity,
      realizedPnl: realized,
      unrealizedPnl: unrealized,
      heat: this.risk.heat(equity),
      dailyPnl: this.ledger.realizedPnl(this.dayStart()),
    };
  }

  /** Open positions for /api/trades/active. */
  positions(): ActivePosition[] {
    return this.ledger.positions().filter((p) => p.qty !== '0').map((p) => ({
      instrument: p.instrument,
      side: p.qty.startsWith('-') ? 'short' : 'long',
      qty: p.qty.replace(/^-/, ''),
      entry: p.entryPrice,
      unrealizedPnl: this.ledger.unrealizedPnl(p.instrument, this.mark(p.instrument) ?? p.entryPrice),
    }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.d.clock.clearInterval(t);
    this.reconciler?.stop();
    this.orders.stop();
    for (const s of this.subs) s.unsubscribe();
    await Promise.all([...this.adapters.values()].map((a) => a.stop().catch(() => undefined)));
    await this.persist();
  }

  // ---- adapters ----

  private async connectAdapters(mode: Mode): Promise<void> {
    for (const venue of this.venues) {
      const kind = adapterKind(mode, venue, this.d.factories);
      if (kind === 'venue') this.attach(venue, venueAdapter(this.d.config, venue, { clock: this.d.clock, logger: this.d.logger, ...(this.d.factories ? { factories: this.d.factories } : {}) }));
      else if (kind === 'paper') {
        this.whenInstruments(venue, (list) => {
          const { adapter, feed } = paperAdapter(this.d.config, mode, venue, list, { clock: this.d.clock, market: this.d.market?.market, fees: this.d.fallbackFees(venue) });
          if (feed) this.subs.push(feed);
          this.attach(venue, adapter);
        });
      }
    }
  }

  /** The market data's `onInstruments` hook: a venue's traded instruments are loaded. */
  instrumentsLoaded(venue: VenueId, list: readonly Instrument[]): void {
    this.instrumentsOf.set(venue, list);
    const waiting = this.awaitingInstruments.get(venue);
    this.awaitingInstruments.delete(venue);
    if (waiting && !this.stopped) waiting(list);
  }

  /** Runs `fn` with the venue's instruments, now or once market data has loaded them. */
  private whenInstruments(venue: VenueId, fn: (list: readonly Instrument[]) => void): void {
    const list = this.instrumentsOf.get(venue);
    if (list) fn(list);
    else this.awaitingInstruments.set(venue, fn);
  }

  private attach(venue: VenueId, adapter: PrivateAdapter): void {
    this.adapters.set(venue, adapter);
    this.subs.push(adapter.events$.subscribe((ev) => {
      switch (ev.kind) {
        case 'order':
          this.orders.onOrderUpdate(venue, ev.order);
          return;
        case 'fill':
          this.orders.onFill(venue, ev.fill);
          return;
        case 'balance':
          // A stream's "free" is not always what orders may use (Binance USD-M pushes the wallet
          // balance): only the REST answer, asked at every reconciliation, sets it.
          this.adoptBalances(venue, [ev.balance], false);
          return;
        case 'position':
          return; // positions follow from fills here; reconciliation compares them with the venue's
        case 'malformed':
          this.log('private.malformed', { venue, detail: ev.detail, frame: ev.frame.slice(0, 500), clientOrderId: ev.clientOrderId ?? null });
          this.d.logger.warn({ venue, detail: ev.detail }, 'malformed private message; querying');
          if (ev.clientOrderId && this.orders.context(ev.clientOrderId)) void this.orders.sync(ev.clientOrderId);
          else void this.reconciler?.run(venue);
          return;
        case 'stream':
          this.streamChanged(venue, ev.state, ev.reason);
      }
    }));
    // A failed first connection keeps reconnecting in the adapter's socket; it counts as down meanwhile.
    void adapter.start().then(
      () => this.afterStart(venue, adapter),
      (e: unknown) => {
        if (this.stopped) return;
        this.d.logger.error({ venue, err: errorMessage(e) }, 'trading connection failed to start; retrying');
        this.log('trading.start_failed', { venue, error: errorMessage(e) });
        this.streamDownSince.set(venue, this.streamDownSince.get(venue) ?? this.d.clock.now());
      },
    );
  }

  private async afterStart(venue: VenueId, adapter: PrivateAdapter): Promise<void> {
    this.log('trading.started', { venue, paper: adapter.paper });
    const symbols = this.d.market?.market.registry.ofVenue(venue).map((i) => i.symbol) ?? [];
    let feeError: string | undefined;
    try {
      for (const f of await adapter.feeRates(symbols)) this.fees.set(`${venue}:${f.symbol}`, f);
    } catch (e) {
      feeError = errorMessage(e);
    }
    // Stopping the daemon aborts the request: nothing more to do, and the event log may be closed.
    if (this.stopped) return;
    if (feeError !== undefined) this.log('trading.fee_rates_fallback', { venue, error: feeError });
    void this.reconciler?.run(venue);
  }

  private streamChanged(venue: VenueId, state: 'up' | 'down', reason?: string): void {
    this.log(`trading.stream_${state}`, { venue, reason: reason ?? null });
    if (state === 'down') {
      if (!this.streamDownSince.has(venue)) this.streamDownSince.set(venue, this.d.clock.now());
      return;
    }
    const wasDown = this.streamDownSince.has(venue);
    this.streamDownSince.delete(venue);
    // What happened while the stream was away is only known by asking.
    if (wasDown) void this.reconciler?.run(venue);
  }

  private async applyMode(mode: Mode): Promise<void> {
    // Re-arming LIVE after a restart changes no venue: adapters and whatever is open on them stay.
    if (mode === this.mode) {
      await this.d.eventLog.appendDurable({ type: 'mode.armed', data: { mode } });
      return;
    }
    const open = this.orders.open().length;
    const positions = this.ledger.positions().filter((p) => p.qty !== '0').length;
    if (open || positions) throw new Error(`close or flatten first: ${open} open orders, ${positions} positions would be orphaned by the switch`);
    for (const a of this.adapters.values()) await a.stop().catch(() => undefined);
    this.adapters.clear();
    this.d.runtime.send('portfolio', { type: 'portfolio.mode', mode });
    await this.d.runtime.settle();
    await this.d.onModeChanged?.(mode);
    await this.d.eventLog.appendDurable({ type: 'mode.changed', data: { from: this.mode, to: mode } });
    await this.connectAdapters(mode);
  }

  // ---- the portfolio's rules ----

  private preTrade(input: PreTradeInput): PreTradeVerdict {
    const { intent, instrument: inst, qtyLots, priceTicks } = input;
    const venue = inst.venue;
    const book = this.d.market?.market.tradableBook(inst.id);
    const refBook = intent.side === 'buy' ? book?.book.asks.best() : book?.book.bids.best();
    const refPriceTicks = priceTicks ?? (Number.isFinite(refBook) ? refBook! : NaN);
    const equity = this.ledger.equity((id) => this.mark(id));
    // Closing what the kill switch or the operator's flatten asked to close must pass the blocks
    // those same events set; the instrument and balance checks still apply.
    const emergency = intent.riskReducing === true || (intent.strategy === FLATTEN && intent.reduceOnly === true);
    const res = checkOrder(
      {
        venue,
        instrument: inst,
        side: intent.side,
        type: intent.type,
        qtyLots,
        ...(priceTicks !== null ? { priceTicks } : {}),
        refPriceTicks,
        reduceOnly: intent.reduceOnly ?? false,
        ...(intent.riskQuote ? { riskQuote: intent.riskQuote } : {}),
        leverage: this.d.config.execution.leverage,
      },
      {
        mode: this.mode,
        // Arming guards new risk; closing what the kill switch or the operator asked to close
        // never waits for it (a daemon restarted in LIVE can still be flattened).
        armed: emergency || this.modeControl.armed,
        portfolioState: emergency ? 'normal' : String(this.d.runtime.snapshot('portfolio')?.value ?? 'unknown'),
        blocked: (v, i, ro) => {
          if (!this.adapters.has(v as VenueId)) return `${v} has no trading connection in ${this.mode} mode`;
          return emergency ? undefined : this.risk.blocked(v, i, this.d.clock.now(), ro);
        },
        limits: this.limits,
        openOrders: this.orders.open().length,
        heat: this.risk.heat(equity),
        equity,
        free: (v, asset) => this.free(v as VenueId, asset),
        takerFee: (i) => this.fees.get(i.id)?.taker ?? String(this.d.config.venues[i.venue]?.fees?.taker ?? this.d.fallbackFees(i.venue).taker),
      },
    );
    // No book, no price for a market order; but the wider checks (mode, portfolio, venue, limits)
    // answer first, so SIGNAL says so even before the books are synced.
    if (!Number.isFinite(refPriceTicks) && (res.ok || res.check === 'instrument')) {
      return { ok: false, check: 'instrument', reason: `no synced book for ${inst.id}: a market order needs a price reference` };
    }
    if (res.ok && intent.riskQuote && !intent.reduceOnly) this.risk.setPositionRisk(inst.id, intent.riskQuote);
    return res;
  }

  private applyFill(f: AppliedFill): boolean {
    const inst = f.instrument;
    const fresh = this.ledger.applyFill({
      venue: f.venue,
      instrument: inst.id,
      kind: inst.kind,
      base: inst.base,
      quote: inst.quote,
      side: f.fill.side,
      qty: f.fill.qty,
      price: f.fill.price,
      contractSize: inst.contractSize,
      fee: f.fill.fee,
      feeAsset: f.fill.feeAsset,
      tradeId: f.fill.tradeId,
      ts: f.fill.ts,
    });
    if (fresh) {
      this.dirty = true;
      const pos = this.ledger.position(inst.id);
      if (pos && pos.qty === '0') this.risk.clearPositionRisk(inst.id);
    }
    return fresh;
  }

  private outcome(venue: VenueId, instrument: string, ok: boolean, reason?: string): void {
    if (ok) {
      this.risk.orderSucceeded(venue, instrument);
      return;
    }
    this.act(this.risk.orderFailed(this.d.clock.now(), venue, instrument, reason ?? 'venue error'));
    this.dirty = true;
  }

  private orderClosed(ctx: OrderContext, status: string): void {
    if (ctx.filled === 0 && (status === 'CANCELED' || status === 'EXPIRED' || status === 'REJECTED' || status === 'DENIED')) {
      const pos = this.ledger.position(ctx.instrument);
      if (!pos || pos.qty === '0') this.risk.clearPositionRisk(ctx.instrument);
    }
  }

  /** Judges limits on mark-to-market equity and venues down too long. */
  private evaluate(): void {
    if (this.stopped) return;
    const now = this.d.clock.now();
    const equity = this.ledger.equity((id) => this.mark(id));
    const verdicts: RiskVerdict[] = [...this.risk.evaluate(now, { realizedToday: this.ledger.realizedPnl(this.dayStart()), equity })];
    for (const h of this.d.market?.health() ?? []) {
      if (h.state === 'down' && this.adapters.has(h.venue as VenueId)) verdicts.push(...this.risk.venueDown(h.venue, now - (h.lastMessageAgeMs ?? 0), now));
    }
    for (const [venue, since] of this.streamDownSince) verdicts.push(...this.risk.venueDown(venue, since, now));
    this.act(verdicts);
  }

  /** Carries out the risk engine's verdicts. */
  private act(verdicts: readonly RiskVerdict[]): void {
    const now = this.d.clock.now();
    // The engine reports each verdict once (a kill it returns is already recorded there).
    for (const v of verdicts) {
      this.log(`risk.${v.action}`, { level: v.level, target: v.target ?? null, reason: v.reason }, true);
      this.d.logger.error({ level: v.level, target: v.target, reason: v.reason }, `risk ${v.action}`);
      this.dirty = true;
      if (v.action === 'risk_off') {
        this.d.runtime.send('portfolio', { type: 'risk.escalate', at: now, reason: v.reason });
      } else if (v.action === 'kill') {
        this.kill(v.level, v.target, v.reason);
      } else if (v.target) {
        if (v.level === 'venue') this.risk.tripVenue(v.target, v.reason, now);
        else this.risk.tripInstrument(v.target, v.reason, now);
      }
    }
  }

  /** The kill-switch hierarchy: instrument → venue → global (global goes through the portfolio). */
  kill(level: KillLevel, target: string | undefined, reason: string): void {
    const now = this.d.clock.now();
    this.risk.kill(level, target, reason, now);
    this.dirty = true;
    if (level === 'global') {
      this.d.runtime.send('portfolio', { type: 'risk.kill', at: now, reason });
      return;
    }
    void this.killScope(level, target!, reason);
  }

  /** Lifts an instrument or venue kill (the global one is lifted by resetting the portfolio). */
  resetKill(level: 'instrument' | 'venue', target: string, by: string): boolean {
    if (!this.risk.killList().some((k) => k.level === level && k.target === target)) return false;
    this.risk.resetKill(level, target);
    this.dirty = true;
    this.log('kill.reset', { level, target, by }, true);
    return true;
  }

  /** Kills in force, for the operator. */
  kills(): { level: KillLevel; target?: string; reason: string; at: number }[] {
    return this.risk.killList().map((k) => ({ ...k }));
  }

  private async killScope(level: 'instrument' | 'venue', target: string, reason: string): Promise<void> {
    const venue = (level === 'venue' ? target : target.slice(0, target.indexOf(':'))) as VenueId;
    const adapter = this.adapters.get(venue);
    this.log('kill.started', { level, target, reason }, true);
    for (const o of this.orders.open(level === 'venue' ? { venue } : { instrument: target })) this.orders.cancel(o.clientOrderId, `kill ${level}`);
    if (!adapter) return;
    try {
      const positions = (await adapter.positions()).filter((p) => level === 'venue' || `${venue}:${p.symbol}` === target);
      closePositions(this.flattenDeps, venue, positions, `kill ${level}: ${reason}`);
    } catch (e) {
      this.log('kill.flatten_failed', { level, target, error: errorMessage(e) }, true);
    }
  }

  /** Lifts the global kill once the portfolio left `killed` (POST /api/kill-switch/reset). */
  private liftGlobalKill(reason: string): void {
    if (!this.risk.killList().some((k) => k.level === 'global')) return;
    this.risk.resetKill('global');
    this.dirty = true;
    this.log('kill.reset', { level: 'global', reason }, true);
  }

  /** Global kill: cancel every open order and flatten every position on every venue. */
  killAll(reason: string): Promise<void> {
    this.killing ??= (async () => {
      this.risk.kill('global', undefined, reason, this.d.clock.now());
      this.log('kill.started', { level: 'global', reason }, true);
      const results = await Promise.allSettled(
        [...this.adapters.entries()].map(async ([venue, adapter]) => {
          const canceled = await cancelVenue(this.flattenDeps, venue, adapter, 'kill switch');
          const closing = closePositions(this.flattenDeps, venue, await adapter.positions(), 'kill switch');
          return { venue, canceled, closing };
        }),
      );
      this.log('kill.requested', {
        venues: results.map((r) => (r.status === 'fulfilled' ? r.value : { error: errorMessage(r.reason) })),
      }, true);
    })().finally(() => {
      this.killing = undefined;
    });
    return this.killing;
  }

  private integrityChanged(venue: VenueId, i: VenueIntegrity): void {
    if (i.state === 'ok') this.risk.unblockVenue(venue);
    else if (i.state === 'broken') this.risk.blockVenue(venue, `INTEGRITY_BROKEN: ${i.mismatches.map((m) => m.kind).join(', ')} (adopt or flatten via the API)`);
    else this.risk.blockVenue(venue, 'not reconciled yet');
    this.dirty = true;
  }

  /**
   * What a new order may use: the ledger's balance (fills applied at once) capped by what the
   * venue last said is free (margin and open orders held there), whichever is smaller.
   */
  private free(venue: VenueId, asset: string): string {
    const ledger = this.ledger.balance(venue, asset);
    const venueFree = this.venueFree.get(`${venue}|${asset}`);
    if (venueFree === undefined) return ledger;
    const a = parseDec(ledger);
    const b = parseDec(venueFree);
    return a && b && cmp(b, a) < 0 ? venueFree : ledger;
  }

  private adoptBalances(venue: VenueId, balances: readonly VenueBalance[], withFree = true): void {
    for (const b of balances) {
      if (withFree) this.venueFree.set(`${venue}|${b.asset}`, b.free);
      const before = this.ledger.balance(venue, b.asset);
      if (before === b.total) continue;
      this.ledger.setBalance(venue, b.asset, b.total);
      this.dirty = true;
    }
  }

  private adoptPositions(venue: VenueId, positions: readonly VenuePosition[]): void {
    const registry = this.d.market?.market.registry;
    const seen = new Set<string>();
    for (const p of positions) {
      const inst = registry?.lookup(venue)(p.symbol);
      if (!inst) continue;
      seen.add(inst.id);
      this.ledger.setPosition(inst.id, { venue, kind: inst.kind, base: inst.base, quote: inst.quote, contractSize: inst.contractSize }, p.qty, p.entryPrice);
    }
    for (const lp of this.ledger.positions()) {
      if (lp.instrument.startsWith(`${venue}:`) && !seen.has(lp.instrument) && lp.qty !== '0') {
        const inst = registry?.get(lp.instrument);
        if (inst) this.ledger.setPosition(inst.id, { venue, kind: inst.kind, base: inst.base, quote: inst.quote, contractSize: inst.contractSize }, '0', '0');
      }
    }
  }

  private localPositions(venue: VenueId): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.ledger.positions()) {
      if (!p.instrument.startsWith(`${venue}:`)) continue;
      const inst = this.d.market?.market.registry.get(p.instrument);
      if (inst?.kind !== 'perp') continue;
      out.set(p.instrument.slice(venue.length + 1), p.qty);
    }
    return out;
  }

  private mark(id: string): string | undefined {
    return markOf(this.d.market?.market, id);
  }

  private dayStart(): number {
    const now = this.d.clock.now();
    return now - (now % DAY_MS);
  }

  private log(type: string, data: Record<string, unknown>, durable = false): void {
    if (durable) void this.d.eventLog.appendDurable({ type, data }).catch((e: unknown) => this.d.logger.error({ err: errorMessage(e), type }, 'event log write failed'));
    else this.d.eventLog.append({ type, data });
  }

  private async persist(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.d.store.ledger.batch([
        { type: 'put', key: LEDGER_KEY, value: JSON.stringify(this.ledger.toJSON()) },
        { type: 'put', key: RISK_KEY, value: JSON.stringify(this.risk.toJSON()) },
      ]);
    } catch (e) {
      this.dirty = true;
      this.d.logger.error({ err: errorMessage(e) }, 'could not persist the ledger');
    }
  }
}
