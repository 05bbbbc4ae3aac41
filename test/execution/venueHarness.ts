/**
 * One venue wired for the order-life contract test: the real OrderManager over the real
 * ActorRuntime and LevelDB, and the venue's real trading adapter (PRIVATE_ADAPTERS) against a
 * simulated venue (createSimVenue: matching engine funded, private side on 127.0.0.1), or the
 * paper engine fed by hand. The adapter's events reach the order manager as the execution
 * service wires them; fills reach a ledger stand-in that deduplicates by trade id. What the venue
 * itself saw (order ids per client id) is read from the venue side, not through the adapter.
 */
import type { Subscription } from 'rxjs';
import { SystemClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../src/model/instrument.ts';
import { ActorRuntime } from '../../src/runtime/actorRuntime.ts';
import type { EventRecord } from '../../src/runtime/eventLog.ts';
import { PRIVATE_ADAPTERS } from '../../src/adapters/privateRegistry.ts';
import { OrderManager, orderActorId, type AppliedFill, type OrderIntent, type OrderOutcome } from '../../src/execution/orderManager.ts';
import { createPaperAdapter, type PaperAdapter } from '../../src/execution/paper.ts';
import type { PrivateAdapter, PrivateEvent, VenueFill } from '../../src/execution/types.ts';
import { simCredentials } from '../../src/sim/cluster.ts';
import { MarketGenerator } from '../../src/sim/market/generator.ts';
import type { SimFault, SimVenueServer } from '../../src/sim/protocolServer.ts';
import { createSimVenue } from '../../src/sim/venues/registry.ts';
import { collect, openPersistence, tempDir, type Persistence } from '../helpers.ts';

/**
 * How a venue delivers a fill that raced a cancel:
 * - `held`: the `fill-after-cancel` fault holds the next fill of an open order until its cancel
 *   has been pushed (Bybit, Binance);
 * - `phantom`: the fault arms at the cancel; after the canceled update one lot of fill arrives
 *   with a new trade id (OKX, Bitget, for an order that never filled);
 * - `emulated`: no venue faults (paper); the harness holds the next fill until the canceled
 *   update has passed, in the order `held` gives.
 */
export type LateFillStyle = 'held' | 'phantom' | 'emulated';

export interface VenueSetup {
  readonly label: string;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly lateFill: LateFillStyle;
  /** The venue code a `reject-next-order` fault answers with (not for paper). */
  readonly rejectCode?: string;
}

/** The adapters' REST timeout and retry attempts: small, so timeouts and retries cost little. */
export const TIMEOUT_MS = 400;
const ATTEMPTS = 2;
/** The paper engine's request latency (it never times out: the answer comes this late). */
export const PAPER_LATENCY_MS = 150;
const SEED = 7;
const START_BALANCE = 100_000;
/** Orders and the book sit around this price (quote units), whatever the instrument's grid. */
const MID = 50_000;
/** An order's size in base units (about 1000 quote): a multiple of 10 lots on every grid used. */
const ORDER_BASE = 0.02;

const generator = new MarketGenerator({ seed: SEED, scenario: 'calm', startTime: Date.now(), stepMs: 100 });

/** Returns the simulator's spec of a venue's instrument (its real grid, contract size and minimums). */
function simSpec(venue: VenueId, symbol: string): InstrumentSpec {
  const spec = generator.instruments(venue).find((s) => s.symbol === symbol);
  if (!spec) throw new Error(`the simulator lists no ${venue}:${symbol}`);
  return spec;
}

/** Polls `cond` until it holds; throws naming `what` after `ms`. */
export async function eventually(cond: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class VenueHarness {
  readonly inst: Instrument;
  /** The order size (lots), the resting buy price and the market's best ask (ticks). */
  readonly qtyLots: number;
  readonly restTicks: number;
  readonly askTicks: number;
  /** Every fill the ledger applied (each trade id once), in arrival order. */
  readonly applied: AppliedFill[] = [];
  /** Private messages the adapter could not read (the contract expects none). */
  readonly malformed: PrivateEvent[] = [];
  om!: OrderManager;
  private readonly clock = new SystemClock();
  private readonly dir = tempDir('fleet-venues-');
  private readonly trades = new Set<string>();
  /** Venue order ids per client order id, as the venue's own side reported them. */
  private readonly venueIds = new Map<string, Set<string>>();
  private readonly subs: Subscription[] = [];
  private unsubscribeEngine: () => void = () => {};
  private p!: Persistence;
  private rt!: ActorRuntime;
  private adapter!: PrivateAdapter;
  private paperAdapter: PaperAdapter | undefined;
  server: SimVenueServer | undefined;
  private tradeNo = 0;
  private intentNo = 0;
  /** `emulated` late fill: armed, then the held fill waiting for its order's canceled update. */
  private holdNextFill = false;
  private heldFill: VenueFill | undefined;

  constructor(readonly setup: VenueSetup) {
    this.inst = makeInstrument(simSpec(setup.venue, setup.symbol));
    const perLot = Number(this.inst.lotSize) * Number(this.inst.contractSize);
    this.qtyLots = Math.ceil(ORDER_BASE / perLot / 10) * 10;
    this.restTicks = this.inst.price.toInt(String(MID * 0.98));
    this.askTicks = this.inst.price.toInt(String(MID)) + 10;
  }

  get venue(): VenueId {
    return this.setup.venue;
  }

  /** Starts the venue (simulated or paper), the persistence, the runtime, the order manager and the adapter. */
  async open(): Promise<this> {
    const { venue, symbol } = this.setup;
    const logger = silentLogger();
    this.p = await openPersistence(this.dir.dir, this.clock, 20);
    this.rt = new ActorRuntime({
      clock: this.clock, store: this.p.store, queue: this.p.queue, eventLog: this.p.log, logger,
      policy: { maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 10, backoffMaxMs: 100 }, recentTransitions: 50,
    });
    await this.rt.start();
    if (this.setup.lateFill === 'emulated') {
      this.paperAdapter = createPaperAdapter({
        venue, instruments: [this.inst], fees: { maker: 0.00015, taker: 0.00045 }, clock: this.clock, latencyMs: PAPER_LATENCY_MS, startingBalance: START_BALANCE,
      });
      this.adapter = this.paperAdapter;
    } else {
      const creds = simCredentials(venue, SEED);
      const server = createSimVenue(venue, [simSpec(venue, symbol)], { now: () => Date.now(), clock: this.clock, credentials: creds, startingBalance: START_BALANCE });
      this.server = await server.listen();
      this.unsubscribeEngine = server.exchange!.subscribe((ev) => {
        if (ev.kind === 'order' && ev.order.account === creds.account) this.noteVenueOrder(ev.order.clientOrderId, ev.order.orderId);
      });
      this.adapter = PRIVATE_ADAPTERS[venue]!({
        venue, restUrl: server.restUrl, privateWsUrl: server.wsUrl, key: creds.apiKey, secret: creds.apiSecret,
        ...(creds.passphrase ? { passphrase: creds.passphrase } : {}),
        clock: this.clock, logger, symbols: [symbol], timeoutMs: TIMEOUT_MS, attempts: ATTEMPTS, backoff: { initialMs: 50, maxMs: 200 },
      });
    }
    this.om = new OrderManager({
      runtime: this.rt,
      eventLog: this.p.log,
      clock: this.clock,
      logger,
      instrument: (id) => (id === this.inst.id ? this.inst : undefined),
      instrumentOf: (v, s) => (v === venue && s === this.inst.symbol ? this.inst : undefined),
      adapter: (v) => (v === venue ? this.adapter : undefined),
      preTrade: () => ({ ok: true }),
      applyFill: (f) => {
        if (this.trades.has(f.fill.tradeId)) return false;
        this.trades.add(f.fill.tradeId);
        this.applied.push(f);
        return true;
      },
      outcome: () => {},
      unknownNotFoundMs: 3_000,
      retireAfterMs: 600_000,
    });
    this.subs.push(this.adapter.events$.subscribe((ev) => this.onEvent(ev)));
    await this.adapter.start();
    const size = this.qtyLots * 50;
    this.book([[this.askTicks - 10, size]], [[this.askTicks, size]]);
    return this;
  }

  async close(): Promise<void> {
    this.om.stop();
    for (const s of this.subs) s.unsubscribe();
    this.unsubscribeEngine();
    await this.adapter.stop();
    await this.rt.stop();
    await this.p.close();
    await this.server?.close();
    this.dir.cleanup();
  }

  /** Returns a buy limit under a fresh intent: resting below the market, or at the ask (it crosses and fills). */
  intent(at: 'rest' | 'ask' = 'rest'): OrderIntent {
    return {
      strategy: 'contract', intentId: `i${++this.intentNo}`, leg: 0, instrument: this.inst.id, side: 'buy', type: 'limit', tif: 'GTC',
      qty: this.inst.qty.toText(this.qtyLots), price: this.inst.price.toText(at === 'rest' ? this.restTicks : this.askTicks),
    };
  }

  submit(intent: OrderIntent = this.intent()): Promise<OrderOutcome> {
    return this.om.submit(intent);
  }

  /** Prints the market selling `lots` at the resting price: the resting buy fills that much. */
  tradeThrough(lots: number): void {
    const id = `mkt-${++this.tradeNo}`;
    const price = this.inst.price.toText(this.restTicks);
    const qty = this.inst.qty.toText(lots);
    if (this.server) {
      this.server.publish(this.inst.symbol, {}, [{ id, price, qty, side: 'sell', ts: Date.now() }]);
      return;
    }
    const now = Date.now();
    this.paperAdapter!.onMarket({ kind: 'trade', instrument: this.inst.id, tsEvent: now, tsRecv: now, tradeId: id, price: this.restTicks, qty: lots, aggressor: 'sell' });
  }

  /** Arms a venue fault, or for paper the emulated late fill. */
  inject(kind: SimFault): void {
    if (kind === 'fill-after-cancel' && this.paperAdapter) this.holdNextFill = true;
    else this.server!.inject(kind);
  }

  /** Returns the statuses the order actor went through, from its `transition` records in the event log. */
  async path(cid: string): Promise<string[]> {
    return (await this.records(cid, 'transition')).map((r) => r.to ?? '?');
  }

  async records(cid: string, type: string): Promise<EventRecord[]> {
    await this.rt.settle();
    return collect(this.p.log.query({ actor: orderActorId(cid), type }));
  }

  /** Returns the venue order ids the venue itself reported for a client order id. */
  venueOrderIds(cid: string): string[] {
    return [...(this.venueIds.get(cid) ?? [])];
  }

  /** Returns the lots the venue itself has filled of an order (the engine, not the adapter's stream). */
  async venueFilledLots(cid: string): Promise<number> {
    const o = this.server
      ? this.server.exchange!.order(simCredentials(this.venue, SEED).account, this.inst.symbol, { clientOrderId: cid })
      : await this.paperAdapter!.query(this.inst.symbol, cid);
    return o ? this.inst.qty.toInt(o.filledQty) : 0;
  }

  fillsOf(cid: string): VenueFill[] {
    return this.applied.filter((a) => a.fill.clientOrderId === cid).map((a) => a.fill);
  }

  /** Cancels every order still open at the venue (between cases, so each starts alone on the book). */
  async cancelOpen(): Promise<void> {
    for (const o of await this.adapter.openOrders(this.inst.symbol)) {
      await this.adapter.cancel(o.symbol, o.clientOrderId).catch(() => undefined);
    }
  }

  private book(bids: [number, number][], asks: [number, number][]): void {
    const text = (levels: [number, number][]): [string, string][] => levels.map(([p, q]) => [this.inst.price.toText(p), this.inst.qty.toText(q)]);
    if (this.server) {
      this.server.publish(this.inst.symbol, { bids: text(bids), asks: text(asks) });
      return;
    }
    const now = Date.now();
    this.paperAdapter!.onMarket({ kind: 'book.snapshot', instrument: this.inst.id, tsEvent: now, tsRecv: now, seq: 1, bids: bids.flat(), asks: asks.flat() });
  }

  private noteVenueOrder(cid: string, orderId: string): void {
    const ids = this.venueIds.get(cid) ?? new Set<string>();
    ids.add(orderId);
    this.venueIds.set(cid, ids);
  }

  /** Routes the adapter's events as ExecutionService.attach does. */
  private onEvent(ev: PrivateEvent): void {
    if (ev.kind === 'order') {
      // The paper engine is the venue: its order events are what the venue saw.
      if (this.paperAdapter) this.noteVenueOrder(ev.order.clientOrderId, ev.order.venueOrderId);
      this.om.onOrderUpdate(this.venue, ev.order);
      const held = this.heldFill;
      if (held && ev.order.clientOrderId === held.clientOrderId && ev.order.status === 'canceled') {
        this.heldFill = undefined;
        this.om.onFill(this.venue, held);
      }
    } else if (ev.kind === 'fill') {
      if (this.holdNextFill) {
        this.holdNextFill = false;
        this.heldFill = ev.fill;
        return;
      }
      this.om.onFill(this.venue, ev.fill);
    } else if (ev.kind === 'malformed') {
      this.malformed.push(ev);
    }
  }
}
