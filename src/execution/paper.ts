/**
 * The paper engine: a PrivateAdapter that fills orders in-process with the simulator's matching
 * engine (src/sim/matching) against the live market the daemon already receives. DRY mode uses it
 * for every venue, SIM mode for Hyperliquid (which has no simulated private side), so paper fills
 * follow the same rules as the simulated venues: price-time priority, queue position behind the
 * market's size, maker/taker fees, spot holds and perp margin (see src/sim/matching/engine.ts).
 *
 * - Market: `onMarket` feeds the engine the daemon's normalized events of this venue's
 *   instruments. A snapshot replaces the engine's view of the book (levels it no longer lists are
 *   removed); a delta sets levels (size 0 removes); a trade advances or fills resting orders.
 *   Tickers and funding are ignored (funding is not settled on paper).
 * - Latency: every request acts on the engine `latencyMs` after it is made, on the injected
 *   clock, and its answer resolves then (0: at once). Market events are not delayed.
 * - Account: one, funded with `startingBalance` in each quote asset of the instruments.
 * - Errors: an engine reject is `VENUE_REJECTED`, non-retryable, with the engine's reject code as
 *   `venueCode`; `duplicate` for DUPLICATE_CLIENT_ID and `notFound` for ORDER_NOT_FOUND. Requests
 *   made (or still waiting) when the adapter stops are rejected `VENUE_UNAVAILABLE`: they never
 *   reached the engine.
 * - Events: the engine's account events, mapped (fees positive = paid, a rebate negative, as the
 *   engine books them); `stream` up on start, down on stop, then `events$` completes.
 */
import { Subject, type Observable } from 'rxjs';
import type { VenueId } from '../config/schema.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { makeInstrument, type Instrument, type InstrumentSpec } from '../model/instrument.ts';
import type { BookLevels, MarketEvent } from '../model/market.ts';
import { numberText } from '../model/scale.ts';
import { decOfNumber, decText } from '../model/decimal.ts';
import { createMatchingEngine } from '../sim/matching/engine.ts';
import type { SimAccountEvent, SimBalance, SimFill, SimOrder, SimPosition, SimReject } from '../sim/matching/types.ts';
import type { PriceLevel, SimBookChange } from '../sim/protocolServer.ts';
import type {
  AmendRequest, FeeRate, PlaceRequest, PrivateAdapter, PrivateEvent, VenueBalance, VenueCallDetails, VenueFill, VenueOrder, VenuePosition,
} from './types.ts';

export interface PaperOptions {
  readonly venue: VenueId;
  readonly instruments: readonly InstrumentSpec[];
  /** Fee rates as fractions of notional (a negative maker rate is a rebate). */
  readonly fees: { readonly maker: number; readonly taker: number };
  readonly clock: Clock;
  /** Delay from a request to its action on the engine and its answer. */
  readonly latencyMs: number;
  /** Credited in each quote asset of the instruments. */
  readonly startingBalance: number;
  /** The engine account's name (default `paper`). */
  readonly account?: string;
  /**
   * Called with an instrument's id whenever an order for it is placed, before the engine sees the
   * order: the feeder seeds the book the first time and forwards its events from then on.
   * Without it, the feeder is expected to give `onMarket` every event.
   */
  follow?(instrumentId: string): void;
}

/** A private adapter that trades on paper, fed with the market by `onMarket`. */
export interface PaperAdapter extends PrivateAdapter {
  readonly paper: true;
  /** Applies one normalized market event of this venue to the paper book (others are ignored). */
  onMarket(ev: MarketEvent): void;
}

/** Returns a paper adapter over its own matching engine, funded and ready. */
export function createPaperAdapter(o: PaperOptions): PaperAdapter {
  return new PaperEngine(o);
}

type Engine = ReturnType<typeof createMatchingEngine>;
type Answer<T> = T | { readonly reject: SimReject };
/** A book change with both sides listed. */
type LevelChange = { readonly bids: PriceLevel[]; readonly asks: PriceLevel[] };

/** One request waiting for its latency to pass. */
interface Pending {
  readonly timer: TimerHandle;
  readonly fail: (e: FleetError) => void;
}

class PaperEngine implements PaperAdapter {
  readonly venue: VenueId;
  readonly paper = true;
  private readonly subject = new Subject<PrivateEvent>();
  readonly events$: Observable<PrivateEvent> = this.subject.asObservable();
  private readonly engine: Engine;
  private readonly account: string;
  /** Instruments by id (`<venue>:<symbol>`), the key of market events. */
  private readonly byId = new Map<string, Instrument>();
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly pending = new Set<Pending>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(private readonly o: PaperOptions) {
    this.venue = o.venue;
    this.account = o.account ?? 'paper';
    this.engine = createMatchingEngine({ venue: o.venue, instruments: o.instruments, fees: o.fees, now: () => o.clock.now() });
    const quotes = new Set<string>();
    for (const spec of o.instruments) {
      const inst = makeInstrument(spec);
      this.byId.set(inst.id, inst);
      this.bySymbol.set(inst.symbol, inst);
      quotes.add(inst.quote);
    }
    for (const q of quotes) this.engine.deposit(this.account, q, numberText(o.startingBalance));
    this.unsubscribe = this.engine.subscribe((ev) => {
      const out = privateEventOf(ev);
      if (out) this.subject.next(out);
    });
  }

  async start(): Promise<void> {
    this.subject.next({ kind: 'stream', state: 'up' });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of this.pending) {
      this.o.clock.clearTimeout(p.timer);
      p.fail(this.stoppedError());
    }
    this.pending.clear();
    this.unsubscribe();
    this.subject.next({ kind: 'stream', state: 'down', reason: 'stopped' });
    this.subject.complete();
  }

  onMarket(ev: MarketEvent): void {
    if (ev.kind !== 'book.snapshot' && ev.kind !== 'book.delta' && ev.kind !== 'trade') return;
    const inst = this.byId.get(ev.instrument);
    if (!inst) return;
    if (ev.kind === 'trade') {
      const trade = { id: ev.tradeId, price: inst.price.toText(ev.price), qty: inst.qty.toText(ev.qty), side: ev.aggressor, ts: ev.tsEvent };
      this.engine.onMarket(inst.symbol, {}, [trade]);
      return;
    }
    const change = bookChange(inst, ev);
    this.engine.onMarket(inst.symbol, ev.kind === 'book.snapshot' ? this.withRemovals(inst, ev, change) : change, []);
  }

  place(req: PlaceRequest): Promise<VenueOrder> {
    const inst = this.bySymbol.get(req.symbol);
    if (inst) this.o.follow?.(inst.id);
    return this.later('place', () => {
      const r = this.engine.place({
        account: this.account,
        symbol: req.symbol,
        clientOrderId: req.clientOrderId,
        side: req.side,
        type: req.type,
        tif: req.tif,
        qty: req.qty,
        ...(req.price !== undefined ? { price: req.price } : {}),
        ...(req.reduceOnly !== undefined ? { reduceOnly: req.reduceOnly } : {}),
      });
      return this.orderOf('place', r);
    });
  }

  cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    return this.later('cancel', () => this.orderOf('cancel', this.engine.cancel(this.account, symbol, { clientOrderId })));
  }

  amend(req: AmendRequest): Promise<VenueOrder | undefined> {
    const change = { ...(req.qty !== undefined ? { qty: req.qty } : {}), ...(req.price !== undefined ? { price: req.price } : {}) };
    return this.later('amend', () => this.orderOf('amend', this.engine.amend(this.account, req.symbol, { clientOrderId: req.clientOrderId }, change)));
  }

  query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    return this.later('query', () => {
      const order = this.engine.order(this.account, symbol, { clientOrderId });
      return order && venueOrder(order);
    });
  }

  fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]> {
    const id = venueOrderId !== undefined ? { orderId: venueOrderId } : { clientOrderId };
    return this.later('fills', () => this.engine.fills(this.account, symbol, id).map(venueFill));
  }

  openOrders(symbol?: string): Promise<VenueOrder[]> {
    return this.later('openOrders', () => this.engine.openOrders(this.account, symbol).map(venueOrder));
  }

  positions(): Promise<VenuePosition[]> {
    return this.later('positions', () => this.engine.positions(this.account).filter((p) => p.qty !== '0').map(venuePosition));
  }

  balances(): Promise<VenueBalance[]> {
    return this.later('balances', () => this.engine.balances(this.account).map(venueBalance));
  }

  feeRates(symbols: readonly string[]): Promise<FeeRate[]> {
    const maker = decText(decOfNumber(this.o.fees.maker));
    const taker = decText(decOfNumber(this.o.fees.taker));
    const known = new Set(this.o.instruments.map((i) => i.symbol));
    return this.later('feeRates', () => symbols.filter((s) => known.has(s)).map((symbol) => ({ symbol, maker, taker })));
  }

  /** Adds the removal of every market level the engine holds that a snapshot no longer lists. */
  private withRemovals(inst: Instrument, ev: BookLevels, change: LevelChange): SimBookChange {
    const gone = (side: 'bid' | 'ask', listed: readonly number[]): PriceLevel[] => {
      const keep = new Set<number>();
      for (let i = 0; i < listed.length; i += 2) keep.add(listed[i]!);
      return this.engine.marketLevels(inst.symbol, side).filter(([px]) => !keep.has(inst.price.toInt(px))).map(([px]) => [px, '0']);
    };
    return { bids: [...gone('bid', ev.bids), ...change.bids], asks: [...gone('ask', ev.asks), ...change.asks] };
  }

  /** Runs `act` on the engine after the latency and answers with its result (or its error). */
  private later<T>(what: string, act: () => T): Promise<T> {
    if (this.stopped) return Promise.reject(this.stoppedError(what));
    if (this.o.latencyMs <= 0) return new Promise((resolve) => resolve(act()));
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        timer: this.o.clock.setTimeout(() => {
          this.pending.delete(p);
          try {
            resolve(act());
          } catch (e) {
            reject(e);
          }
        }, this.o.latencyMs),
        fail: reject,
      };
      this.pending.add(p);
    });
  }

  /** Returns the order of an engine answer, or throws its reject as VENUE_REJECTED. */
  private orderOf(what: string, r: Answer<{ readonly order: SimOrder }>): VenueOrder {
    if ('order' in r) return venueOrder(r.order);
    const { code, message } = r.reject;
    const details: VenueCallDetails = {
      venue: this.venue,
      endpoint: `paper.${what}`,
      venueCode: code,
      venueMessage: message,
      reason: message,
      ...(code === 'DUPLICATE_CLIENT_ID' ? { duplicate: true } : {}),
      ...(code === 'ORDER_NOT_FOUND' ? { notFound: true } : {}),
    };
    throw new FleetError(ErrorCodes.VENUE_REJECTED, `${this.venue} paper ${what} rejected: ${code} (${message})`, 'non-retryable', details);
  }

  private stoppedError(what = 'request'): FleetError {
    const reason = 'the paper adapter stopped before the request reached the engine';
    const details: VenueCallDetails = { venue: this.venue, endpoint: `paper.${what}`, reason };
    return new FleetError(ErrorCodes.VENUE_UNAVAILABLE, `${this.venue} paper ${what}: ${reason}`, 'non-retryable', details);
  }
}

/** Returns a book event's levels as the engine's change (decimal strings on the instrument's grids). */
function bookChange(inst: Instrument, ev: BookLevels): LevelChange {
  const side = (flat: readonly number[]): PriceLevel[] => {
    const out: PriceLevel[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([inst.price.toText(flat[i]!), inst.qty.toText(flat[i + 1]!)]);
    return out;
  };
  return { bids: side(ev.bids), asks: side(ev.asks) };
}

/** Returns the private event of an engine account event (funding has none: balances follow it). */
function privateEventOf(ev: SimAccountEvent): PrivateEvent | undefined {
  switch (ev.kind) {
    case 'order':
      return { kind: 'order', order: venueOrder(ev.order) };
    case 'fill':
      return { kind: 'fill', fill: venueFill(ev.fill) };
    case 'position':
      return { kind: 'position', position: venuePosition(ev.position) };
    case 'balance':
      return { kind: 'balance', balance: venueBalance(ev.balance) };
    default:
      return undefined;
  }
}

function venueOrder(o: SimOrder): VenueOrder {
  return {
    symbol: o.symbol,
    clientOrderId: o.clientOrderId,
    venueOrderId: o.orderId,
    side: o.side,
    type: o.type,
    tif: o.tif,
    ...(o.price !== undefined ? { price: o.price } : {}),
    qty: o.qty,
    filledQty: o.filledQty,
    ...(o.avgPrice !== undefined ? { avgPrice: o.avgPrice } : {}),
    status: o.status,
    reduceOnly: o.reduceOnly,
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    updatedAt: o.updatedAt,
  };
}

/** The engine books fees as charged (a rebate negative), which is the contract's sign already. */
function venueFill(f: SimFill): VenueFill {
  return {
    symbol: f.symbol,
    clientOrderId: f.clientOrderId,
    venueOrderId: f.orderId,
    tradeId: f.tradeId,
    side: f.side,
    price: f.price,
    qty: f.qty,
    fee: f.fee,
    feeAsset: f.feeAsset,
    liquidity: f.liquidity,
    ts: f.ts,
  };
}

function venuePosition(p: SimPosition): VenuePosition {
  return { symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice, unrealizedPnl: p.unrealizedPnl, markPrice: p.markPrice };
}

function venueBalance(b: SimBalance): VenueBalance {
  return { asset: b.asset, total: b.total, free: b.free };
}
