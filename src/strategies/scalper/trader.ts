/**
 * The scalper's orders in the trading modes (SIM, DRY, LIVE): one scalp per symbol at a time,
 * from the chart's entry to the last close.
 *
 * - Entry, maker first: a post-only limit at the touch (the best bid for a long). It waits
 *   `entry.makerTimeoutMs` and is then canceled; if the venue refuses it (it would cross) or it
 *   timed out short of its size, and the entry was not canceled meanwhile, the rest goes as an
 *   IOC limit through the touch by at most `entry.maxTakerSlipBps` (`entry.takerFallback`).
 *   The chart's `cancelEntry` (book, flow or news changed) cancels the working entry and stops
 *   the fallback. Whatever filled is the position; nothing filled ⇒ `entry.failed`.
 * - Exits: the plan is re-made on the actual average fill (the decision's stop distance, TP1
 *   fee-first, break-even at fees × (1 + buffer)) and managed on every reading by manage.ts;
 *   closes are reduce-only market orders (risk-reducing: they pass a paused or risk-off
 *   portfolio). A close that leaves part of the position open is sent again, up to
 *   MAX_EXIT_ATTEMPTS, then the portfolio is escalated to risk_off.
 * - Every trade is written to the store (`scalper.trades`) before any of its orders leaves, so a
 *   restart re-attaches every order; a position closed by someone else (the kill switch) is
 *   noticed on the ledger (held, then flat) and closed at the mark.
 * - A closed trade is one trade_audit.csv row (strategy `scalper`) and a `scalp.closed` record.
 */
import type { Subscription } from 'rxjs';
import { Timers, type Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { errorMessage } from '../../core/errors.ts';
import type { FleetConfig } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { EventLog } from '../../runtime/eventLog.ts';
import type { Store } from '../../runtime/store.ts';
import type { OrderManager } from '../../execution/orderManager.ts';
import type { TradeAudit, TradeAuditRow } from '../../execution/tradeAudit.ts';
import { clientOrderId, type ClientIdVenue } from '../../execution/clientOrderId.ts';
import { roundOrder } from '../../risk/orderRules.ts';
import { isTerminal } from '../../../machines/order.machine.ts';
import type { SymbolEvent } from '../../../machines/symbol.machine.ts';
import type { PumpPhase } from '../../features/types.ts';
import { manage, openExit, type CloseReason } from './manage.ts';
import { isRefusal, planExits, type TradeSide } from './tpsl.ts';
import { exitOptions } from './settings.ts';
import { entryBaseQty, entryPrice, filledLots, scalpAuditRow, working, type EntryRequest, type ScalpOrder, type ScalpTrade } from './scalpTrade.ts';

export type { EntryRequest } from './scalpTrade.ts';
import type { SignalTier } from './signals.ts';

export const SCALPER = 'scalper';
const TRADES_KEY = 'scalper.trades';
const MAX_EXIT_ATTEMPTS = 5;
const CLOSED_KEPT = 200;

export interface TraderDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly eventLog: EventLog;
  readonly store: Store;
  readonly orders: Pick<OrderManager, 'submit' | 'cancel' | 'context' | 'status' | 'updated$'>;
  instrument(id: string): Instrument | undefined;
  /** The best bid and ask in quote, when the book is synced. */
  touch(id: string): { bid: number; ask: number } | undefined;
  /** The ledger's signed position in the instrument (0 when flat). */
  positionQty(id: string): number;
  audit(): TradeAudit | undefined;
  settings(): FleetConfig['scalper'];
  /** Tells the symbol chart of the instrument. */
  chart(instrument: string, ev: SymbolEvent): void;
  /** A trade closed (profiles, limits). */
  closed(t: ScalpTrade, row: TradeAuditRow | undefined): void;
  escalate(reason: string): void;
}

/** Market context of one reading for the exits. */
export interface ExitContext {
  readonly pumpPhase: PumpPhase;
  readonly globalPanic: boolean;
}

export class ScalpTrader {
  private readonly trades = new Map<string, ScalpTrade>();
  private readonly byCid = new Map<string, string>();
  /** Scalps whose position this process has seen in the ledger. */
  private readonly seenHeld = new Set<string>();
  private readonly recent: ScalpTrade[] = [];
  private readonly timers: Timers;
  private sub: Subscription | undefined;
  private saving: Promise<void> = Promise.resolve();
  private seq = 0;

  constructor(private readonly d: TraderDeps) {
    this.timers = new Timers(d.clock);
  }

  /** Restores the saved trades and re-attaches their orders. */
  async start(): Promise<void> {
    const raw = await this.d.store.meta.get(TRADES_KEY);
    if (raw) {
      try {
        for (const t of (JSON.parse(raw) as { trades: ScalpTrade[] }).trades) this.trades.set(t.instrument, t);
      } catch (e) {
        this.d.logger.error({ err: errorMessage(e) }, 'saved scalps unreadable: their orders are left to reconciliation');
      }
    }
    this.sub = this.d.orders.updated$.subscribe((cid) => this.onOrder(cid));
    for (const t of this.trades.values()) {
      for (const o of t.orders) this.byCid.set(o.cid, t.instrument);
      this.d.eventLog.append({ type: 'scalp.resumed', actor: `symbol:${t.instrument}`, data: { id: t.id, phase: t.phase } });
      for (const o of t.orders) if (!o.done) this.onOrder(o.cid);
      if (t.makerDeadline !== null) this.armMaker(t);
    }
  }

  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    this.timers.stop();
    await this.save();
  }

  /** Returns the open (or entering) scalp of an instrument. */
  trade(instrument: string): ScalpTrade | undefined {
    return this.trades.get(instrument);
  }

  /** Returns every scalp not yet closed. */
  active(): ScalpTrade[] {
    return [...this.trades.values()];
  }

  /** Returns the last closed scalps, newest last. */
  closedTrades(): readonly ScalpTrade[] {
    return this.recent;
  }

  /** Places the maker entry of a new scalp; resolves with the reason when no order was sent. */
  async enter(r: EntryRequest): Promise<string | null> {
    const inst = this.d.instrument(r.instrument);
    const touch = this.d.touch(r.instrument);
    if (!inst) return 'instrument unknown';
    if (this.trades.has(r.instrument)) return 'a scalp is already open on the instrument';
    if (!touch || !(touch.bid > 0 && touch.ask > touch.bid)) return 'no usable touch';
    const side = r.side === 'long' ? 'buy' : 'sell';
    const rounded = roundOrder(inst, { side, qty: r.qty, price: r.side === 'long' ? touch.bid : touch.ask }, 'passive');
    if (!rounded.ok) return rounded.reason;
    const now = this.d.clock.now();
    const id = `sc-${now.toString(36)}-${(this.seq++).toString(36)}`;
    const t: ScalpTrade = {
      ...r, id, decidedAt: now, qty: rounded.qty, phase: 'entering', cancelRequested: false, makerDeadline: now + this.d.settings().entry.makerTimeoutMs,
      orders: [], exit: null, openedAt: null, closedAt: null, closeReason: null, exitAttempts: 0,
    };
    this.trades.set(r.instrument, t);
    this.d.eventLog.append({ type: 'scalp.entry', actor: `symbol:${r.instrument}`, data: { id, side: r.side, qty: rounded.qty, price: rounded.price, kind: 'maker', tier: r.tier, quality: r.quality, conditions: r.conditions, category: r.category } });
    await this.send(t, inst, { role: 'entry', kind: 'maker', qty: rounded.qty, price: rounded.price ?? null }, 'POST_ONLY');
    this.armMaker(t);
    return null;
  }

  /** The chart doubts the entry: cancel what works and send no fallback. */
  cancelEntry(instrument: string, why: string): void {
    const t = this.trades.get(instrument);
    if (!t || t.phase !== 'entering') return;
    t.cancelRequested = true;
    const o = working(t, 'entry');
    if (o) this.d.orders.cancel(o.cid, why);
    this.d.eventLog.append({ type: 'scalp.entry-cancel', actor: `symbol:${instrument}`, data: { id: t.id, why, clientOrderId: o?.cid ?? null } });
    void this.save();
    if (!o) this.afterEntry(t);
  }

  /** Manages an open scalp on a fresh reading of its symbol. */
  onReading(instrument: string, ctx: ExitContext): void {
    const t = this.trades.get(instrument);
    const inst = t && this.d.instrument(instrument);
    if (!t || !inst || t.phase !== 'open' || !t.exit || working(t, 'exit')) return;
    const touch = this.d.touch(instrument);
    if (!touch) return;
    const lots = filledLots(t);
    // Closed outside the scalper (the kill switch, a flatten): the ledger held it and no longer
    // does. Only a change seen in this process counts: after a restart the ledger (written behind)
    // may not hold a fill the scalp saw, and closing the scalp on that would leave the position
    // open at the venue.
    const held = this.d.positionQty(instrument);
    const holds = held !== 0 && (held > 0) === (t.side === 'long');
    if (holds) this.seenHeld.add(t.id);
    else if (this.seenHeld.has(t.id)) {
      this.seenHeld.delete(t.id);
      this.finish(t, inst, 'closed outside the scalper (kill switch or flatten)', (touch.bid + touch.ask) / 2);
      return;
    }
    if (t.closeReason !== null && lots.open > 0) {
      // A close that left part open: again, all of it.
      this.close(t, inst, 'all', t.closeReason as CloseReason);
      return;
    }
    const s = this.d.settings();
    const step = manage(t.exit, { now: this.d.clock.now(), bid: touch.bid, ask: touch.ask, pumpPhase: ctx.pumpPhase, globalPanic: ctx.globalPanic, maxHoldMs: s.exits.maxHoldMs, opts: exitOptions(this.d.settings()) });
    t.exit = step.state;
    for (const a of step.actions) {
      if (a.kind === 'stop-moved') {
        this.d.eventLog.append({ type: 'scalp.stop', actor: `symbol:${instrument}`, data: { id: t.id, from: a.from, to: a.to, why: a.why } });
        this.d.chart(instrument, { type: 'position.update', at: this.d.clock.now(), phase: a.why === 'breakeven-stop' ? 'breakeven' : 'trailing' });
      }
    }
    const close = step.actions.find((a) => a.kind === 'close');
    if (close?.kind === 'close') this.close(t, inst, close.share, close.reason);
    else if (step.actions.length) void this.save();
  }

  // ---- orders ----

  private async send(t: ScalpTrade, inst: Instrument, o: Pick<ScalpOrder, 'role' | 'kind' | 'qty' | 'price' | 'reason'>, tif: 'POST_ONLY' | 'IOC'): Promise<void> {
    const attempt = t.orders.filter((x) => x.role === o.role).length;
    const leg = o.role;
    const cid = clientOrderId(inst.venue as ClientIdVenue, { strategy: SCALPER, intentId: t.id, leg, attempt });
    const ref: ScalpOrder = { ...o, cid, attempt, status: 'INITIALIZED', filled: 0, lotTicks: 0, fee: '0', done: false, firstFillAt: null };
    t.orders.push(ref);
    this.byCid.set(cid, t.instrument);
    // On disk before it leaves: a restart finds the order by its id.
    await this.save();
    const exit = o.role === 'exit';
    const out = await this.d.orders.submit({
      strategy: SCALPER, intentId: t.id, leg, attempt, instrument: inst.id,
      side: (t.side === 'long') === !exit ? 'buy' : 'sell',
      type: o.kind === 'market' ? 'market' : 'limit', tif: o.kind === 'market' ? 'IOC' : tif,
      qty: o.qty, ...(o.price !== null ? { price: o.price } : {}),
      ...(exit ? { reduceOnly: inst.kind === 'perp', riskReducing: true } : {}),
      decidedAt: t.decidedAt,
    }).catch((e: unknown) => ({ clientOrderId: cid, status: 'DENIED' as const, reason: errorMessage(e) }));
    // An order refused before it had an actor reports only here.
    if (!this.d.orders.context(cid) && !ref.done) {
      ref.status = out.status;
      ref.done = isTerminal(out.status);
      this.d.eventLog.append({ type: 'scalp.order-refused', actor: `symbol:${t.instrument}`, data: { id: t.id, clientOrderId: cid, status: out.status, reason: out.reason ?? null } });
      if (ref.done) this.afterOrder(t, ref);
    }
  }

  private armMaker(t: ScalpTrade): void {
    if (t.makerDeadline === null) return;
    this.timers.later(t.makerDeadline - this.d.clock.now(), () => {
      const o = t.phase === 'entering' ? working(t, 'entry') : undefined;
      if (o?.kind === 'maker') this.d.orders.cancel(o.cid, 'maker entry timed out');
    });
  }

  private onOrder(cid: string): void {
    const owner = this.byCid.get(cid);
    const t = owner === undefined ? undefined : this.trades.get(owner);
    const ref = t?.orders.find((o) => o.cid === cid);
    const ctx = this.d.orders.context(cid);
    if (!t || !ref || !ctx || ref.done) return;
    ref.status = this.d.orders.status(cid) ?? ref.status;
    ref.filled = ctx.filled;
    ref.lotTicks = ctx.notional;
    ref.fee = ctx.feeQuote ?? '0';
    if (ref.filled > 0) ref.firstFillAt ??= ctx.lastFillAt ?? this.d.clock.now();
    ref.done = isTerminal(ref.status);
    if (ref.done) this.afterOrder(t, ref);
  }

  private afterOrder(t: ScalpTrade, ref: ScalpOrder): void {
    if (ref.role === 'entry') this.afterEntry(t);
    else this.afterExit(t, ref);
  }

  /** An entry order ended: fall back to the taker, open the position, or give up. */
  private afterEntry(t: ScalpTrade): void {
    if (t.phase !== 'entering' || working(t, 'entry')) return;
    const inst = this.d.instrument(t.instrument);
    if (!inst) return;
    const lots = filledLots(t).entry;
    const target = inst.qty.toInt(t.qty);
    const last = t.orders.filter((o) => o.role === 'entry').at(-1);
    const s = this.d.settings().entry;
    if (lots < target && !t.cancelRequested && s.takerFallback && last?.kind === 'maker') {
      const touch = this.d.touch(t.instrument);
      const px = touch && (t.side === 'long' ? touch.ask * (1 + s.maxTakerSlipBps / 1e4) : touch.bid * (1 - s.maxTakerSlipBps / 1e4));
      const rounded = px ? roundOrder(inst, { side: t.side === 'long' ? 'buy' : 'sell', qty: inst.qty.toText(target - lots), price: px }, 'passive') : undefined;
      if (rounded?.ok) {
        t.makerDeadline = null;
        this.d.eventLog.append({ type: 'scalp.entry', actor: `symbol:${t.instrument}`, data: { id: t.id, side: t.side, qty: rounded.qty, price: rounded.price, kind: 'taker', after: last.status } });
        void this.send(t, inst, { role: 'entry', kind: 'taker', qty: rounded.qty, price: rounded.price ?? null }, 'IOC');
        return;
      }
    }
    t.makerDeadline = null;
    if (lots > 0) return this.opened(t, inst);
    this.trades.delete(t.instrument);
    for (const o of t.orders) this.byCid.delete(o.cid);
    const reason = t.cancelRequested ? 'entry canceled' : `entry not filled (${last?.status ?? 'no order'})`;
    this.d.eventLog.append({ type: 'scalp.entry-failed', actor: `symbol:${t.instrument}`, data: { id: t.id, reason } });
    this.d.chart(t.instrument, { type: 'entry.failed', at: this.d.clock.now(), reason });
    void this.save();
  }

  private opened(t: ScalpTrade, inst: Instrument): void {
    const now = this.d.clock.now();
    const entry = entryPrice(t, inst);
    const dir = t.side === 'long' ? 1 : -1;
    const plan = planExits({ side: t.side, entry, stop: entry * (1 - dir * t.stopFrac), minMoveBps: t.minMoveBps, feesBps: t.feesBps, pumpPhase: 'NONE', tick: Number(inst.tickSize), opts: exitOptions(this.d.settings()) });
    // planExits refuses only on a regime or news the entry already passed, or a zero stop distance.
    const p = isRefusal(plan) ? { tp1: entry * (1 + dir * t.minMoveBps / 1e4), tp2: entry * (1 + (dir * 2 * t.minMoveBps) / 1e4), stop: entry * (1 - dir * t.stopFrac), breakEvenAt: entry, breakEvenStop: entry, trailBps: this.d.settings().exits.trailBps } : plan;
    t.phase = 'open';
    t.openedAt = now;
    t.exit = openExit(t.side, now, p, entry);
    const qty = inst.qty.toNumber(filledLots(t).entry);
    // In base units, as the close and the audit row give it; the venue's contracts beside it where they differ.
    const base = entryBaseQty(t, inst);
    this.d.eventLog.append({ type: 'scalp.opened', actor: `symbol:${t.instrument}`, data: { id: t.id, side: t.side, qty: base, ...(inst.contractSize !== '1' ? { contracts: qty } : {}), entry, plan: p, minMoveBps: t.minMoveBps, feesBps: t.feesBps, stopFrac: t.stopFrac } });
    this.d.chart(t.instrument, { type: 'entry.filled', at: now, side: t.side, qty, price: entry });
    void this.save();
  }

  private close(t: ScalpTrade, inst: Instrument, share: 'tp1' | 'all', reason: CloseReason): void {
    const open = filledLots(t).open;
    const minLots = Math.max(1, inst.qty.toInt(inst.minQty));
    let lots = open;
    if (share === 'tp1') {
      lots = Math.floor(open * this.d.settings().exits.tp1Share);
      // A share below the minimum, or one that would leave less than the minimum: close it all.
      if (lots < minLots || open - lots < minLots) lots = open;
    }
    if (lots <= 0) return;
    if (share === 'all' || lots === open) t.closeReason = reason;
    this.d.eventLog.append({ type: 'scalp.close', actor: `symbol:${t.instrument}`, data: { id: t.id, reason, share: lots === open ? 'all' : share, qty: inst.qty.toText(lots), attempt: t.exitAttempts } });
    void this.send(t, inst, { role: 'exit', kind: 'market', qty: inst.qty.toText(lots), price: null, reason }, 'IOC');
  }

  private afterExit(t: ScalpTrade, ref: ScalpOrder): void {
    const inst = this.d.instrument(t.instrument);
    if (!inst) return;
    const open = filledLots(t).open;
    if (open === 0) return this.finish(t, inst, t.closeReason ?? ref.reason ?? 'closed', this.mid(t.instrument));
    if (ref.reason === 'tp1' && ref.filled > 0 && t.closeReason === null) {
      this.d.chart(t.instrument, { type: 'position.update', at: this.d.clock.now(), phase: 'tp1' });
      void this.save();
      return;
    }
    t.exitAttempts += 1;
    this.d.eventLog.append({ type: 'scalp.close-incomplete', actor: `symbol:${t.instrument}`, data: { id: t.id, status: ref.status, open: inst.qty.toText(open), attempts: t.exitAttempts } });
    if (t.exitAttempts >= MAX_EXIT_ATTEMPTS) this.d.escalate(`scalp ${t.id} on ${t.instrument}: ${t.exitAttempts} closes left ${inst.qty.toText(open)} open`);
    void this.save();
  }

  private finish(t: ScalpTrade, inst: Instrument, reason: string, mark: number): void {
    t.phase = 'closed';
    t.closedAt = this.d.clock.now();
    t.closeReason = reason;
    t.makerDeadline = null;
    const row = scalpAuditRow(t, inst, mark);
    try {
      if (row) this.d.audit()?.append(row);
    } catch (e) {
      this.d.logger.error({ trade: t.id, err: errorMessage(e) }, 'trade audit row could not be written');
    }
    this.trades.delete(t.instrument);
    this.seenHeld.delete(t.id);
    for (const o of t.orders) this.byCid.delete(o.cid);
    this.recent.push(t);
    if (this.recent.length > CLOSED_KEPT) this.recent.shift();
    this.d.eventLog.append({ type: 'scalp.closed', actor: `symbol:${t.instrument}`, data: { id: t.id, reason, pnl: row?.pnl ?? '0', fees: row?.fees ?? '0', entry: row?.entry ?? null, exit: row?.exit ?? null, qty: row?.qty ?? '0' } });
    this.d.chart(t.instrument, { type: 'position.closed', at: t.closedAt, pnl: Number(row?.pnl ?? 0), reason });
    this.d.closed(t, row);
    void this.save();
  }

  private mid(id: string): number {
    const t = this.d.touch(id);
    return t ? (t.bid + t.ask) / 2 : NaN;
  }

  /** Writes every open scalp, one write at a time in order. */
  private save(): Promise<void> {
    const body = JSON.stringify({ trades: [...this.trades.values()] });
    this.saving = this.saving.then(() => this.d.store.meta.put(TRADES_KEY, body)).catch((e: unknown) => this.d.logger.error({ err: errorMessage(e) }, 'scalps could not be saved'));
    return this.saving;
  }
}
