/**
 * The order manager over the real actor runtime and LevelDB, with a scripted venue: what the
 * venue answers (ack, reject, timeout, nothing) is chosen per test, so each rule of the order's
 * life is checked on its own: durable intent before the request, idempotent submits, UNKNOWN
 * resolved by query, never-arrived orders, fills deduplicated, fill after cancel, restart.
 */
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { makeInstrument, type Instrument } from '../../src/model/instrument.ts';
import { ActorRuntime } from '../../src/runtime/actorRuntime.ts';
import { OrderManager, orderActorId, type AppliedFill, type OrderManagerDeps, type PreTradeVerdict } from '../../src/execution/orderManager.ts';
import type { PlaceRequest, PrivateAdapter, PrivateEvent, VenueFill, VenueOrder } from '../../src/execution/types.ts';
import { collect, openPersistence, tempDir, type Persistence } from '../helpers.ts';

const INST: Instrument = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5' });
const policy = { maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 10, backoffMaxMs: 100 };

type Answer = (req: PlaceRequest) => Promise<VenueOrder>;

/** A venue whose answers the test scripts; it records what reached it and when. */
class ScriptedVenue implements PrivateAdapter {
  readonly venue = 'bybit-linear' as const;
  readonly paper = false;
  readonly events = new Subject<PrivateEvent>();
  readonly events$ = this.events.asObservable();
  readonly orders = new Map<string, VenueOrder>();
  readonly fillsOf = new Map<string, VenueFill[]>();
  readonly placed: PlaceRequest[] = [];
  onPlace: (req: PlaceRequest) => void = () => {};
  answer: Answer = async (req) => this.accept(req);
  queries = 0;

  accept(req: PlaceRequest): VenueOrder {
    const o: VenueOrder = { symbol: req.symbol, clientOrderId: req.clientOrderId, venueOrderId: `v${this.orders.size + 1}`, side: req.side, qty: req.qty, filledQty: '0', status: 'new', updatedAt: 0, ...(req.price ? { price: req.price } : {}) };
    this.orders.set(req.clientOrderId, o);
    return o;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async place(req: PlaceRequest): Promise<VenueOrder> {
    this.placed.push(req);
    this.onPlace(req);
    return this.answer(req);
  }
  async cancel(_symbol: string, cid: string): Promise<VenueOrder | undefined> {
    const o = this.orders.get(cid);
    if (!o) throw new FleetError(ErrorCodes.VENUE_REJECTED, 'no such order', 'non-retryable', { notFound: true });
    const c = { ...o, status: 'canceled' as const };
    this.orders.set(cid, c);
    return c;
  }
  async amend(): Promise<VenueOrder | undefined> {
    return undefined;
  }
  async query(_symbol: string, cid: string): Promise<VenueOrder | undefined> {
    this.queries++;
    return this.orders.get(cid);
  }
  async fills(_symbol: string, cid: string): Promise<VenueFill[]> {
    return this.fillsOf.get(cid) ?? [];
  }
  async openOrders(): Promise<VenueOrder[]> {
    return [...this.orders.values()].filter((o) => o.status === 'new' || o.status === 'partially_filled');
  }
  async positions() {
    return [];
  }
  async balances() {
    return [];
  }
  async feeRates() {
    return [];
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const fill = (cid: string, tradeId: string, qty: string, price = '50000.0'): VenueFill => ({
  symbol: 'BTCUSDT', clientOrderId: cid, venueOrderId: 'v1', tradeId, side: 'buy', price, qty, fee: '0.01', feeAsset: 'USDT', liquidity: 'taker', ts: 1,
});

describe('OrderManager', () => {
  let dir: { dir: string; cleanup: () => void };
  let clock: ManualClock;
  let p: Persistence;
  let rt: ActorRuntime;
  let venue: ScriptedVenue;
  let om: OrderManager;
  let verdict: PreTradeVerdict;
  const applied: AppliedFill[] = [];
  const seenTrades = new Set<string>();

  const boot = async () => {
    p = await openPersistence(dir.dir, clock);
    rt = new ActorRuntime({ clock, store: p.store, queue: p.queue, eventLog: p.log, logger: silentLogger(), policy, recentTransitions: 20 });
    await rt.start();
    const deps: OrderManagerDeps = {
      runtime: rt,
      eventLog: p.log,
      clock,
      logger: silentLogger(),
      instrument: (id) => (id === INST.id ? INST : undefined),
      instrumentOf: (_v, s) => (s === INST.symbol ? INST : undefined),
      adapter: () => venue,
      preTrade: () => verdict,
      applyFill: (f) => {
        if (seenTrades.has(f.fill.tradeId)) return false;
        seenTrades.add(f.fill.tradeId);
        applied.push(f);
        return true;
      },
      outcome: () => {},
      unknownNotFoundMs: 2_000,
      retireAfterMs: 60_000,
    };
    om = new OrderManager(deps);
  };
  const shutdown = async () => {
    om.stop();
    await rt.stop();
    await p.close();
  };
  const intent = (leg: string | number = 0, extra: Partial<Parameters<OrderManager['submit']>[0]> = {}) =>
    ({ strategy: 'test', intentId: 'i1', leg, instrument: INST.id, side: 'buy', type: 'limit', qty: '0.010', price: '50000.0', ...extra }) as const;
  const records = async (cid: string) => (await collect(p.log.query({ actor: orderActorId(cid) }))).map((r) => r.type);

  beforeEach(async () => {
    dir = tempDir();
    clock = new ManualClock(1_000_000);
    venue = new ScriptedVenue();
    verdict = { ok: true };
    applied.length = 0;
    seenTrades.clear();
    await boot();
  });
  afterEach(async () => {
    await shutdown();
    dir.cleanup();
  });

  it('makes the intent durable (SUBMITTED on disk) before the request reaches the venue', async () => {
    let onDisk: string | undefined;
    venue.onPlace = (req) => {
      void p.store.actors.get(orderActorId(req.clientOrderId)).then((v) => (onDisk = v));
    };
    const out = await om.submit(intent());
    expect(out.status).toBe('ACCEPTED');
    await until(() => onDisk !== undefined, 'the snapshot read');
    expect(JSON.parse(onDisk!).snapshot.value).toBe('SUBMITTED');
    expect(venue.placed).toHaveLength(1);
    expect(venue.placed[0]).toMatchObject({ symbol: 'BTCUSDT', qty: '0.010', price: '50000.0', type: 'limit', tif: 'GTC' });
    await rt.settle();
    expect(await records(out.clientOrderId)).toEqual(expect.arrayContaining(['order.intent', 'order.request', 'order.ack', 'transition']));
  });

  it('submitting the same intent again returns the first order and sends nothing new', async () => {
    const [a, b] = await Promise.all([om.submit(intent()), om.submit(intent())]);
    const c = await om.submit(intent());
    expect(a.clientOrderId).toBe(b.clientOrderId);
    expect(c.clientOrderId).toBe(a.clientOrderId);
    expect(venue.placed).toHaveLength(1);
    const other = await om.submit(intent(0, { attempt: 1 }));
    expect(other.clientOrderId).not.toBe(a.clientOrderId);
    expect(venue.placed).toHaveLength(2);
  });

  it('a failed pre-trade check is an order.denied record with the reason, and nothing is sent', async () => {
    verdict = { ok: false, check: 'heat', reason: 'heat 0.25 above maxPortfolioHeat 0.2' };
    const out = await om.submit(intent());
    expect(out).toMatchObject({ status: 'DENIED', reason: 'heat: heat 0.25 above maxPortfolioHeat 0.2' });
    expect(venue.placed).toHaveLength(0);
    await rt.settle();
    const denied = (await collect(p.log.query({ actor: orderActorId(out.clientOrderId), type: 'order.denied' })))[0];
    expect(denied?.data).toMatchObject({ check: 'heat', reason: 'heat 0.25 above maxPortfolioHeat 0.2' });
  });

  it('off-grid quantities and prices are denied before any check', async () => {
    expect((await om.submit(intent(1, { qty: '0.0105' }))).reason).toMatch(/lot 0.001/);
    expect((await om.submit(intent(2, { price: '50000.05' }))).reason).toMatch(/tick 0.1/);
    expect(venue.placed).toHaveLength(0);
  });

  it('a venue rejection is REJECTED with the venue reason', async () => {
    venue.answer = async () => {
      throw new FleetError(ErrorCodes.VENUE_REJECTED, 'x', 'non-retryable', { reason: 'available balance insufficient', venueCode: '110007' });
    };
    const out = await om.submit(intent());
    expect(out).toMatchObject({ status: 'REJECTED', reason: 'available balance insufficient (venue code 110007)' });
  });

  it('a timeout leaves the order UNKNOWN; the query finds it at the venue and resolves it', async () => {
    venue.answer = async (req) => {
      venue.accept(req); // the venue acted; the answer never came back
      throw new FleetError(ErrorCodes.VENUE_TIMEOUT, 'timed out after 300 ms', 'retryable');
    };
    const out = await om.submit(intent());
    expect(out.status).toBe('UNKNOWN');
    clock.advance(250);
    await until(() => om.status(out.clientOrderId) === 'ACCEPTED', 'resolution');
    expect(venue.queries).toBe(1);
    expect(om.context(out.clientOrderId)?.venueOrderId).toBe('v1');
  });

  it('an UNKNOWN order that filled meanwhile gets its fills before its status', async () => {
    venue.answer = async (req) => {
      const o = venue.accept(req);
      venue.orders.set(req.clientOrderId, { ...o, status: 'filled', filledQty: req.qty });
      venue.fillsOf.set(req.clientOrderId, [fill(req.clientOrderId, 't1', '0.004'), fill(req.clientOrderId, 't2', '0.006')]);
      throw new FleetError(ErrorCodes.VENUE_UNAVAILABLE, 'HTTP 502', 'retryable');
    };
    const out = await om.submit(intent());
    expect(out.status).toBe('UNKNOWN');
    clock.advance(250);
    await until(() => om.status(out.clientOrderId) === 'FILLED', 'FILLED');
    expect(om.context(out.clientOrderId)?.filled).toBe(10);
    expect(applied.map((a) => a.fill.tradeId)).toEqual(['t1', 't2']);
  });

  it('an UNKNOWN order the venue never saw is REJECTED once unknownNotFoundMs has passed', async () => {
    venue.answer = async () => {
      throw new FleetError(ErrorCodes.VENUE_TIMEOUT, 'timed out', 'retryable');
    };
    const out = await om.submit(intent());
    for (let i = 0; i < 6 && om.status(out.clientOrderId) === 'UNKNOWN'; i++) {
      clock.advance(1_000);
      await tick();
      await tick();
    }
    await until(() => om.status(out.clientOrderId) === 'REJECTED', 'REJECTED');
    expect(om.context(out.clientOrderId)?.reason).toMatch(/never arrived/);
    expect(venue.queries).toBeGreaterThanOrEqual(2);
  });

  it('fills are applied once per trade id; a fill after CANCELED is still applied', async () => {
    const out = await om.submit(intent());
    const cid = out.clientOrderId;
    om.onFill('bybit-linear', fill(cid, 't1', '0.004'));
    om.onFill('bybit-linear', fill(cid, 't1', '0.004'));
    expect(om.status(cid)).toBe('PARTIALLY_FILLED');
    expect(om.context(cid)?.filled).toBe(4);
    om.cancel(cid);
    await until(() => om.status(cid) === 'CANCELED', 'CANCELED');
    om.onFill('bybit-linear', fill(cid, 't2', '0.002'));
    expect(om.status(cid)).toBe('CANCELED');
    expect(om.context(cid)?.filled).toBe(6);
    expect(applied.map((a) => a.fill.tradeId)).toEqual(['t1', 't2']);
    await rt.settle();
    expect((await collect(p.log.query({ actor: orderActorId(cid), type: 'order.fill' }))).length).toBe(2);
  });

  it('keeps each order\'s fees in quote (a fee in the coin valued at its fill price) and the part paid in the coin', async () => {
    const out = await om.submit(intent());
    const cid = out.clientOrderId;
    om.onFill('bybit-linear', fill(cid, 't1', '0.004'));
    om.onFill('bybit-linear', { ...fill(cid, 't2', '0.004', '50001.0'), fee: '0.000004', feeAsset: 'BTC' });
    om.onFill('bybit-linear', { ...fill(cid, 't3', '0.002'), fee: '0.3', feeAsset: 'BNB' });
    // 0.01 USDT + 0.000004 BTC × 50001.0 = 0.01 + 0.200004 = 0.210004; BNB cannot be valued here.
    expect(om.context(cid)?.feeQuote).toBe('0.210004');
    expect(om.context(cid)?.feeBase).toBe('0.000004');
  });

  it('a transition outside the table is refused and logged, never applied', async () => {
    const out = await om.submit(intent());
    om.onOrderUpdate('bybit-linear', { ...venue.orders.get(out.clientOrderId)!, status: 'rejected', reason: 'late' });
    expect(om.status(out.clientOrderId)).toBe('REJECTED');
    om.onOrderUpdate('bybit-linear', { ...venue.orders.get(out.clientOrderId)!, status: 'canceled' });
    expect(om.status(out.clientOrderId)).toBe('REJECTED');
    await rt.settle();
    const refused = await collect(p.log.query({ actor: orderActorId(out.clientOrderId), type: 'order.refused' }));
    expect(refused[0]?.data).toMatchObject({ from: 'REJECTED', event: 'order.canceled', why: 'not in table' });
  });

  it('after a kill -9 between the durable intent and the answer, the restart queries the order instead of sending it again', async () => {
    let release: () => void = () => {};
    venue.answer = (req) => new Promise((resolve) => (release = () => resolve(venue.accept(req))));
    void om.submit(intent());
    await until(() => venue.placed.length === 1, 'the request');
    const cid = venue.placed[0]!.clientOrderId;
    // The process dies here: no answer is applied, the runtime is not stopped cleanly.
    om.stop();
    await p.close();
    release();
    await boot();
    const open = await om.restore();
    expect(open).toEqual([cid]);
    expect(om.status(cid)).toBe('SUBMITTED');
    await om.sync(cid);
    expect(om.status(cid)).toBe('ACCEPTED');
    expect(venue.placed).toHaveLength(1);
  });
});
