/**
 * Properties of the engine over random sessions: market updates (a drifting mid, levels set and
 * pulled, trades at any price), orders of every type and TIF from three accounts, cancels and
 * amends (new price, new qty or both).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { cmp, decOfNumber, decText, mul, parseDec } from '../../../src/model/decimal.ts';
import type { SimAccountEvent, SimFill, SimOrderRequest, SimTimeInForce } from '../../../src/sim/matching/types.ts';
import { setup, type Engine } from './helpers.ts';

const FEES = { maker: -0.0001, taker: 0.0007 };
const SPOT_P: InstrumentSpec = { venue: 'binance-spot', symbol: 'P', kind: 'spot', base: 'B', quote: 'Q', tickSize: '0.1', lotSize: '0.001' };
const PERP_P: InstrumentSpec = { venue: 'okx', symbol: 'P', kind: 'perp', base: 'B', quote: 'Q', tickSize: '0.1', lotSize: '1', contractSize: '0.01' };
const ACCOUNTS = ['a', 'b', 'c'] as const;

type Op =
  | { op: 'market'; mid: number; levels: { bid: boolean; off: number; lots: number }[]; trades: { buy: boolean; off: number; lots: number }[] }
  | { op: 'place'; acc: number; buy: boolean; market: boolean; tif: SimTimeInForce; off: number; lots: number; reduceOnly: boolean }
  | { op: 'cancel'; acc: number; pick: number }
  | { op: 'amend'; acc: number; pick: number; off: number; lots: number; what: 'price' | 'qty' | 'both' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('market' as const),
    mid: fc.integer({ min: 990, max: 1010 }),
    levels: fc.array(fc.record({ bid: fc.boolean(), off: fc.integer({ min: 0, max: 6 }), lots: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })) }), { maxLength: 6 }),
    trades: fc.array(fc.record({ buy: fc.boolean(), off: fc.integer({ min: -4, max: 4 }), lots: fc.integer({ min: 1, max: 3000 }) }), { maxLength: 3 }),
  }) },
  { weight: 4, arbitrary: fc.record({
    op: fc.constant('place' as const),
    acc: fc.integer({ min: 0, max: 2 }),
    buy: fc.boolean(),
    market: fc.boolean(),
    tif: fc.constantFrom<SimTimeInForce>('GTC', 'IOC', 'FOK', 'POST_ONLY'),
    off: fc.integer({ min: -8, max: 8 }),
    lots: fc.integer({ min: 1, max: 4000 }),
    reduceOnly: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), acc: fc.integer({ min: 0, max: 2 }), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('amend' as const),
    acc: fc.integer({ min: 0, max: 2 }),
    pick: fc.nat(),
    off: fc.integer({ min: -8, max: 8 }),
    lots: fc.integer({ min: 1, max: 4000 }),
    what: fc.constantFrom('price' as const, 'qty' as const, 'both' as const),
  }) },
);

/** Runs a session, checking every property after every step. */
function run(spec: InstrumentSpec, ops: Op[]): void {
  const perp = spec.kind === 'perp';
  const { e, events } = setup([spec], FEES, perp ? 3 : undefined);
  const price = (t: number) => (t / 10).toFixed(1);
  const qty = (l: number) => (perp ? String(Math.max(1, Math.round(l / 100))) : (l / 1000).toFixed(3));
  for (const a of ACCOUNTS) {
    // Small enough that the balance checks reject some orders.
    e.deposit(a, 'Q', perp ? '20' : '1000');
    if (!perp) e.deposit(a, 'B', '4');
  }
  const totals = { Q: e.sumOf('Q'), B: e.sumOf('B') };
  const cs = parseDec(spec.contractSize ?? '1')!;
  let mid = 1000;
  for (const step of ops) {
    events.length = 0;
    if (step.op === 'market') {
      mid = step.mid;
      // A real market is not crossed: pull what the new mid leaves on the wrong side.
      const bids: [string, string][] = e.marketLevels('P', 'bid').filter(([p]) => Number(p) * 10 > mid).map(([p]) => [p, '0']);
      const asks: [string, string][] = e.marketLevels('P', 'ask').filter(([p]) => Number(p) * 10 <= mid).map(([p]) => [p, '0']);
      for (const l of step.levels) (l.bid ? bids : asks).push([price(l.bid ? mid - l.off : mid + 1 + l.off), qty(l.lots)]);
      const trades = step.trades.map((t, i) => ({ id: `t${i}`, side: t.buy ? ('buy' as const) : ('sell' as const), price: price(mid + t.off), qty: qty(t.lots), ts: 1 }));
      const fills = e.onMarket('P', { bids, asks }, trades);
      for (const f of fills) {
        expect(f.liquidity).toBe('maker');
        expect(f.price).toBe(e.order(f.account, 'P', { orderId: f.orderId })!.price);
      }
    } else if (step.op === 'cancel') {
      const open = e.openOrders(ACCOUNTS[step.acc]!);
      if (open.length > 0) {
        const o = open[step.pick % open.length]!;
        const r = e.cancel(o.account, 'P', { orderId: o.orderId });
        expect('order' in r && r.order.status).toBe('canceled');
      }
    } else if (step.op === 'amend') {
      const open = e.openOrders(ACCOUNTS[step.acc]!);
      if (open.length > 0) {
        const o = open[step.pick % open.length]!;
        const buy = o.side === 'buy';
        const newPrice = price(buy ? mid + step.off : mid + 1 + step.off);
        const change = { ...(step.what !== 'qty' ? { price: newPrice } : {}), ...(step.what !== 'price' ? { qty: qty(step.lots) } : {}) };
        const r = e.amend(o.account, 'P', { orderId: o.orderId }, change);
        if ('order' in r) {
          for (const f of r.fills) {
            expect(f.liquidity).toBe('taker');
            expect(buy ? Number(f.price) <= Number(r.order.price) : Number(f.price) >= Number(r.order.price)).toBe(true);
          }
          if (o.tif === 'POST_ONLY') expect(r.fills).toEqual([]);
          expect(Number(r.order.filledQty)).toBeLessThanOrEqual(Number(r.order.qty));
        } else {
          // A reject leaves the order as it was.
          expect(e.order(o.account, 'P', { orderId: o.orderId })).toEqual(o);
        }
      }
    } else {
      const account = ACCOUNTS[step.acc]!;
      const limitTicks = step.buy ? mid + step.off : mid + 1 + step.off;
      const req: SimOrderRequest = {
        account,
        symbol: 'P',
        side: step.buy ? 'buy' : 'sell',
        type: step.market ? 'market' : 'limit',
        tif: step.tif,
        qty: qty(step.lots),
        ...(step.market ? {} : { price: price(limitTicks) }),
        ...(perp && step.reduceOnly ? { reduceOnly: true } : {}),
      };
      const best = bestOpposite(e, step.buy);
      const r = e.place(req);
      if ('order' in r) {
        const { order, fills } = r;
        const lim = step.market ? undefined : Number(req.price);
        // Taker fills: never worse than the limit, never better than the best price the book offered.
        for (const f of fills) {
          expect(f.liquidity).toBe('taker');
          const p = Number(f.price);
          if (lim !== undefined) expect(step.buy ? p <= lim : p >= lim).toBe(true);
          expect(best).toBeDefined();
          expect(step.buy ? p >= best! : p <= best!).toBe(true);
        }
        // Best first: prices never improve along the walk.
        for (let i = 1; i < fills.length; i++) {
          const [a, b] = [Number(fills[i - 1]!.price), Number(fills[i]!.price)];
          expect(step.buy ? b >= a : b <= a).toBe(true);
        }
        if (step.tif === 'FOK') {
          expect(order.status === 'filled' || (order.status === 'expired' && Number(order.filledQty) === 0)).toBe(true);
        }
        if (step.tif === 'POST_ONLY') {
          expect(fills).toEqual([]);
          expect(order.status).toBe('new');
        }
        expect(Number(order.filledQty)).toBeLessThanOrEqual(Number(order.qty));
        const sumFee = fills.reduce((s, f) => s + Number(f.fee), 0);
        expect(Math.abs(sumFee - Number(order.fee))).toBeLessThan(1e-9);
      } else if (step.tif === 'FOK') {
        expect(r.reject.code).not.toBe('FOK_UNFILLABLE');
      }
    }
    checkFees(events, cs);
    expect(e.sumOf('Q')).toBe(totals.Q);
    expect(e.sumOf('B')).toBe(totals.B);
    if (perp) expect(e.netPosition('P')).toBe('0');
    else {
      for (const a of ACCOUNTS) for (const b of e.balances(a)) expect(Number(b.free)).toBeGreaterThanOrEqual(0);
    }
    checkNotCrossed(e);
  }
}

/** The best price a taker could get right now: market levels and every account's resting orders. */
function bestOpposite(e: Engine, buy: boolean): number | undefined {
  const prices = e.marketLevels('P', buy ? 'ask' : 'bid').map(([p]) => Number(p));
  for (const a of ACCOUNTS) for (const o of e.openOrders(a)) if ((o.side === 'sell') === buy) prices.push(Number(o.price));
  if (prices.length === 0) return undefined;
  return buy ? Math.min(...prices) : Math.max(...prices);
}

/** Every fill's fee is exactly its rate × price × qty × contract size. */
function checkFees(events: readonly SimAccountEvent[], cs: ReturnType<typeof parseDec> & object): void {
  const fills = events.filter((ev): ev is { kind: 'fill'; fill: SimFill } => ev.kind === 'fill').map((ev) => ev.fill);
  for (const f of fills) {
    const rate = decOfNumber(f.liquidity === 'maker' ? FEES.maker : FEES.taker);
    const expected = mul(rate, mul(mul(parseDec(f.price)!, parseDec(f.qty)!), cs));
    expect(cmp(parseDec(f.fee)!, expected)).toBe(0);
    expect(f.feeAsset).toBe('Q');
  }
  expect(fills.every((f) => decText(parseDec(f.fee)!) === f.fee)).toBe(true);
}

/** Own resting orders never cross each other (a buy at or above a sell would have matched). */
function checkNotCrossed(e: Engine): void {
  let bid = -Infinity;
  let ask = Infinity;
  for (const a of ACCOUNTS) {
    for (const o of e.openOrders(a)) {
      if (o.side === 'buy') bid = Math.max(bid, Number(o.price));
      else ask = Math.min(ask, Number(o.price));
    }
  }
  expect(bid).toBeLessThan(ask);
}

describe('matching engine properties', () => {
  it('spot: fills within limit and book, exact fees, FOK all-or-nothing, post-only never takes, assets conserved', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => run(SPOT_P, ops)),
      { numRuns: 200 },
    );
  });

  it('perps: the same, plus positions summing to zero and the margin asset conserved', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => run(PERP_P, ops)),
      { numRuns: 200 },
    );
  });
});
