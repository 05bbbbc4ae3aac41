/**
 * The scalper's order handling against a scripted order manager: maker first, the taker fallback,
 * auto-cancel, partial fills, exits (TP1 share, stop, retry of an incomplete close), a position
 * closed by someone else, and a restart that finds every order again.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { defaultConfig } from '../../../src/config/load.ts';
import type { VenueId } from '../../../src/config/schema.ts';
import { makeInstrument, type Instrument } from '../../../src/model/instrument.ts';
import type { OrderIntent, OrderOutcome } from '../../../src/execution/orderManager.ts';
import type { OrderContext, OrderStatus } from '../../../machines/order.machine.ts';
import type { SymbolEvent } from '../../../machines/symbol.machine.ts';
import type { Store } from '../../../src/runtime/store.ts';
import type { EventLog } from '../../../src/runtime/eventLog.ts';
import type { TradeAuditRow } from '../../../src/execution/tradeAudit.ts';
import { clientOrderId } from '../../../src/execution/clientOrderId.ts';
import { ScalpTrader, type EntryRequest } from '../../../src/strategies/scalper/trader.ts';

// Tick 0.1, lot 0.001 BTC.
const BTC = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });

interface Fake {
  status: string;
  filled: number;
  notional: number;
  feeQuote: string;
  lastFillAt: number | null;
}

class FakeOrders {
  readonly updated$ = new Subject<string>();
  readonly sent: (OrderIntent & { cid: string })[] = [];
  readonly canceled: string[] = [];
  readonly orders = new Map<string, Fake>();
  /** The status the next submit answers with. */
  next: OrderOutcome['status'] = 'ACCEPTED';

  submit(intent: OrderIntent): Promise<OrderOutcome> {
    // The id the order manager would give: the trader knows it before the order exists.
    const cid = clientOrderId(intent.instrument.split(':')[0] as VenueId, { strategy: intent.strategy, intentId: intent.intentId, leg: intent.leg, attempt: intent.attempt ?? 0 });
    this.sent.push({ ...intent, cid });
    this.orders.set(cid, { status: this.next, filled: 0, notional: 0, feeQuote: '0', lastFillAt: null });
    const status = this.next;
    this.next = 'ACCEPTED';
    queueMicrotask(() => this.updated$.next(cid));
    return Promise.resolve({ clientOrderId: cid, status });
  }
  cancel(cid: string): boolean {
    this.canceled.push(cid);
    return true;
  }
  context(cid: string): OrderContext | undefined {
    return this.orders.get(cid) as unknown as OrderContext | undefined;
  }
  status(cid: string): OrderStatus | undefined {
    return this.orders.get(cid)?.status as OrderStatus | undefined;
  }
  /** Fills `lots` at `price` (quote) and sets the status. */
  fill(cid: string, lots: number, price: number, status: string, fee = '0.01'): void {
    const o = this.orders.get(cid)!;
    o.filled += lots;
    o.notional += lots * Math.round(price * 10);
    o.feeQuote = (Number(o.feeQuote) + Number(fee)).toFixed(8);
    o.lastFillAt = 1;
    o.status = status;
    this.updated$.next(cid);
  }
  end(cid: string, status: string): void {
    this.orders.get(cid)!.status = status;
    this.updated$.next(cid);
  }
  last(): OrderIntent & { cid: string } {
    return this.sent.at(-1)!;
  }
}

function rig(opts: { position?: () => number; meta?: Map<string, string>; inst?: Instrument } = {}) {
  const clock = new ManualClock(1_000_000);
  const orders = new FakeOrders();
  const meta = opts.meta ?? new Map<string, string>();
  const events: { type: string; data?: Record<string, unknown> }[] = [];
  const charts: SymbolEvent[] = [];
  const rows: TradeAuditRow[] = [];
  let touch = { bid: 100, ask: 100.1 };
  let position = 0;
  const config = defaultConfig();
  const trader = new ScalpTrader({
    clock,
    logger: silentLogger(),
    eventLog: { append: (r: { type: string; data?: Record<string, unknown> }) => void events.push(r) } as unknown as EventLog,
    store: { meta: { get: (k: string) => Promise.resolve(meta.get(k)), put: (k: string, v: string) => Promise.resolve(void meta.set(k, v)) } } as unknown as Store,
    orders,
    instrument: (id) => [BTC, opts.inst].find((i) => i?.id === id),
    touch: () => touch,
    positionQty: opts.position ?? (() => position),
    audit: () => ({ append: (r: TradeAuditRow) => (rows.push(r), true) }) as never,
    settings: () => config.scalper,
    chart: (_id, ev) => charts.push(ev),
    closed: () => undefined,
    escalate: (r) => events.push({ type: 'escalated', data: { r } }),
  });
  return {
    clock, orders, meta, events, charts, rows, trader, config,
    setTouch: (bid: number, ask: number) => (touch = { bid, ask }),
    setPosition: (q: number) => (position = q),
  };
}

const LONG: EntryRequest = { instrument: BTC.id, side: 'long', category: 'normal', tier: 'HIGH', quality: 0.8, conditions: ['test'], decisionMid: 100.05, stopFrac: 0.005, minMoveBps: 20, feesBps: 11, qty: 0.01 };
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ScalpTrader entries', () => {
  it('places a post-only limit at the best bid, saved before it leaves', async () => {
    const r = rig();
    await r.trader.start();
    expect(await r.trader.enter(LONG)).toBeNull();
    const o = r.orders.sent[0]!;
    expect(o).toMatchObject({ strategy: 'scalper', leg: 'entry', side: 'buy', type: 'limit', tif: 'POST_ONLY', price: '100.0', qty: '0.010' });
    const saved = JSON.parse(r.meta.get('scalper.trades')!) as { trades: { orders: unknown[] }[] };
    expect(saved.trades[0]!.orders).toHaveLength(1);
  });

  it('a maker that times out unfilled is canceled and the rest goes as an IOC through the touch, capped by the slippage', async () => {
    const r = rig();
    await r.trader.start();
    await r.trader.enter(LONG);
    r.clock.advance(r.config.scalper.entry.makerTimeoutMs);
    expect(r.orders.canceled).toEqual([r.orders.sent[0]!.cid]);
    r.orders.fill(r.orders.sent[0]!.cid, 4, 100, 'CANCELED');
    await flush();
    const taker = r.orders.last();
    // 10 lots wanted, 4 filled at the maker: 6 lots (0.006) at the ask 100.1 × (1 + 5 bps) = 100.15005 → 100.1 (rounded passively).
    expect(taker).toMatchObject({ leg: 'entry', attempt: 1, tif: 'IOC', type: 'limit', qty: '0.006', side: 'buy' });
    expect(Number(taker.price)).toBeLessThanOrEqual(100.1 * 1.0005);
    r.orders.fill(r.orders.sent[1]!.cid, 6, 100.1, 'FILLED');
    await flush();
    const filled = r.charts.find((e) => e.type === 'entry.filled');
    // Average of 4 @ 100 and 6 @ 100.1 = 100.06.
    expect(filled).toMatchObject({ type: 'entry.filled', side: 'long', qty: 0.01 });
    expect((filled as { price: number }).price).toBeCloseTo(100.06, 9);
    expect(r.trader.trade(BTC.id)?.phase).toBe('open');
  });

  it('logs an opened scalp in base units, with the venue\'s contracts beside them where a contract is not one unit', async () => {
    // OKX: one contract of BTC-USDT-SWAP is 0.01 BTC; orders are in contracts.
    const okx = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', contractSize: '0.01' });
    const r = rig({ inst: okx });
    await r.trader.start();
    await r.trader.enter({ ...LONG, instrument: okx.id, qty: 1.03 });
    expect(r.orders.last()).toMatchObject({ qty: '1.03' });
    r.orders.fill(r.orders.last().cid, 103, 100, 'FILLED');
    await flush();
    const opened = r.events.find((e) => e.type === 'scalp.opened')!;
    // 1.03 contracts × 0.01 BTC: the same unit the close and the audit row use.
    expect(opened.data).toMatchObject({ qty: '0.0103', contracts: 1.03, entry: 100 });
    // A linear perp of one unit per contract gives no contracts field.
    const b = rig();
    await openLong(b);
    const plain = b.events.find((e) => e.type === 'scalp.opened')!;
    expect(plain.data).toMatchObject({ qty: '0.01' });
    expect(plain.data).not.toHaveProperty('contracts');
  });

  it('a post-only refused for crossing falls back to the taker at once', async () => {
    const r = rig();
    await r.trader.start();
    r.orders.next = 'REJECTED';
    await r.trader.enter(LONG);
    await flush();
    expect(r.orders.sent.map((o) => o.tif)).toEqual(['POST_ONLY', 'IOC']);
  });

  it('the chart canceling the entry stops the fallback; nothing filled ⇒ entry.failed', async () => {
    const r = rig();
    await r.trader.start();
    await r.trader.enter(LONG);
    r.trader.cancelEntry(BTC.id, 'flow no longer agrees');
    expect(r.orders.canceled).toEqual([r.orders.sent[0]!.cid]);
    r.orders.end(r.orders.sent[0]!.cid, 'CANCELED');
    await flush();
    expect(r.orders.sent).toHaveLength(1);
    expect(r.charts.at(-1)).toMatchObject({ type: 'entry.failed', reason: 'entry canceled' });
    expect(r.trader.trade(BTC.id)).toBeUndefined();
  });

  it('a cancel that raced a partial fill keeps the partial position', async () => {
    const r = rig();
    await r.trader.start();
    await r.trader.enter(LONG);
    r.trader.cancelEntry(BTC.id, 'news');
    r.orders.fill(r.orders.sent[0]!.cid, 3, 100, 'CANCELED');
    await flush();
    expect(r.orders.sent).toHaveLength(1);
    expect(r.charts.at(-1)).toMatchObject({ type: 'entry.filled', qty: 0.003, price: 100 });
  });
});

async function openLong(r: ReturnType<typeof rig>, lots = 10, price = 100) {
  await r.trader.start();
  await r.trader.enter(LONG);
  r.orders.fill(r.orders.sent[0]!.cid, lots, price, 'FILLED');
  await flush();
  r.setPosition(lots / 1000);
  return r.trader.trade(BTC.id)!;
}

describe('ScalpTrader exits', () => {
  it('plans TP1 fee-first on the actual fill and takes half there reduce-only, then the stop trails', async () => {
    const r = rig();
    const t = await openLong(r);
    // Stop 0.5 % under 100 = 99.5; TP1 = max(20 bps, 1R = 50 bps) = 100.5.
    expect(t.exit!.plan.stop).toBeCloseTo(99.5, 9);
    expect(t.exit!.plan.tp1).toBeCloseTo(100.5, 9);
    expect(((t.exit!.plan.tp1 - 100) / 100) * 1e4).toBeGreaterThanOrEqual(LONG.minMoveBps);
    r.setTouch(100.5, 100.6);
    r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
    await flush();
    const tp1 = r.orders.last();
    expect(tp1).toMatchObject({ leg: 'exit', side: 'sell', type: 'market', reduceOnly: true, riskReducing: true, qty: '0.005' });
    expect(t.exit!.stop).toBeGreaterThan(100);
    r.orders.fill(tp1.cid, 5, 100.5, 'FILLED');
    r.setPosition(0.005);
    await flush();
    expect(r.charts.at(-1)).toMatchObject({ type: 'position.update', phase: 'tp1' });
    // Price falls to the trailed stop: the rest is closed.
    r.setTouch(100.3, 100.4);
    r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
    await flush();
    const rest = r.orders.last();
    expect(rest).toMatchObject({ leg: 'exit', qty: '0.005', reduceOnly: true });
    r.orders.fill(rest.cid, 5, 100.3, 'FILLED');
    await flush();
    const closed = r.events.find((e) => e.type === 'scalp.closed')!;
    expect(closed.data).toMatchObject({ reason: 'trailing-stop' });
    // (100.5 − 100) × 0.005 + (100.3 − 100) × 0.005 = 0.004; fees 3 × 0.01 ⇒ pnl −0.026.
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ strategy: 'scalper', side: 'long', qty: '0.01', entry: '100', exit: '100.4', fees: '0.03', pnl: '-0.026' });
    expect(r.charts.at(-1)).toMatchObject({ type: 'position.closed', reason: 'trailing-stop' });
    expect(r.trader.trade(BTC.id)).toBeUndefined();
  });

  it('a close that leaves part open is sent again for the rest, and escalates after five', async () => {
    const r = rig();
    await openLong(r);
    r.setTouch(99.4, 99.5);
    for (let i = 0; i < 5; i++) {
      r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
      await flush();
      const o = r.orders.last();
      expect(o).toMatchObject({ leg: 'exit', qty: '0.010' });
      r.orders.end(o.cid, 'EXPIRED');
      await flush();
    }
    expect(r.events.some((e) => e.type === 'escalated')).toBe(true);
    expect(r.trader.trade(BTC.id)?.phase).toBe('open');
  });

  it('after a restart, a ledger that does not show the position yet is not taken for a flatten', async () => {
    const r = rig();
    await openLong(r);
    // The ledger (written behind) lost the fill: the scalp still manages and closes its position.
    r.setPosition(0);
    r.setTouch(99.4, 99.5);
    r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
    await flush();
    expect(r.trader.trade(BTC.id)?.phase).toBe('open');
    expect(r.orders.last()).toMatchObject({ leg: 'exit', qty: '0.010', reduceOnly: true });
    expect(r.rows).toEqual([]);
  });

  it('a position flattened by the kill switch is closed at the mark, not left open', async () => {
    const r = rig();
    await openLong(r);
    // Held, then flat: someone else closed it.
    r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
    r.setPosition(0);
    r.setTouch(100.2, 100.3);
    r.trader.onReading(BTC.id, { pumpPhase: 'NONE', globalPanic: false });
    expect(r.trader.trade(BTC.id)).toBeUndefined();
    // Valued at the mid 100.25: 0.25 × 0.01 − 0.01 fee = −0.0075.
    expect(r.rows[0]).toMatchObject({ exit: '100.25', pnl: '-0.0075' });
    expect(r.events.find((e) => e.type === 'scalp.closed')!.data).toMatchObject({ reason: expect.stringContaining('kill switch') });
  });
});

describe('ScalpTrader restart', () => {
  it('finds a working maker entry again, re-arms its timeout and completes the trade', async () => {
    const meta = new Map<string, string>();
    const a = rig({ meta });
    await a.trader.start();
    await a.trader.enter(LONG);
    await a.trader.stop();
    // A new process: the same order manager state, a fresh trader.
    const b = rig({ meta });
    for (const [cid, o] of a.orders.orders) b.orders.orders.set(cid, o);
    b.orders.sent.push(...a.orders.sent);
    await b.trader.start();
    expect(b.trader.trade(BTC.id)?.phase).toBe('entering');
    expect(b.events.some((e) => e.type === 'scalp.resumed')).toBe(true);
    b.clock.advance(b.config.scalper.entry.makerTimeoutMs);
    expect(b.orders.canceled).toEqual([b.orders.sent[0]!.cid]);
    b.orders.fill(b.orders.sent[0]!.cid, 10, 100, 'FILLED');
    await flush();
    expect(b.trader.trade(BTC.id)?.phase).toBe('open');
  });
});
