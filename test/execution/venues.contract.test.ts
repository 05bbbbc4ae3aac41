/**
 * The order-life contract, the same table of cases for every venue that trades: each real
 * private adapter (Bybit linear, Binance USD-M and spot, OKX swap and spot, Bitget futures and
 * spot) against its simulated venue on 127.0.0.1, and the paper engine as Hyperliquid uses it,
 * all through the real OrderManager over the real ActorRuntime and LevelDB. Each case checks the
 * order actor's status path (its `transition` records in the event log), what the ledger
 * received (fills deduplicated by trade id) and what the venue itself holds:
 *   1. a limit is placed and acknowledged with the venue's order id;
 *   2. partial then full fill, with trade ids and fees;
 *   3. cancel;
 *   4. a fill that raced the cancel arrives after CANCELED and is still applied;
 *   5. a rejected place carries the venue's reason and code;
 *   6. a 429 on the place is retried after the penalty: one order at the venue;
 *   7. an answer slower than the adapter's timeout leaves the order UNKNOWN until the query
 *      resolves it, ACCEPTED or (when it crossed) FILLED with its fills fetched; with the stream
 *      live, the pushed ack settles it first and the late timeout changes nothing (paper: the
 *      answer is slow but comes, and nothing times out);
 *   8. the same intent submitted again is the same order.
 * Cases 5, 6 and 7b need a venue's faults or a REST answer apart from its stream, which the paper
 * engine has not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderOutcome } from '../../src/execution/orderManager.ts';
import { PAPER_LATENCY_MS, TIMEOUT_MS, VenueHarness, eventually, type VenueSetup } from './venueHarness.ts';

const SETUPS: VenueSetup[] = [
  { label: 'bybit-linear BTCUSDT', venue: 'bybit-linear', symbol: 'BTCUSDT', lateFill: 'held', rejectCode: '110007' },
  { label: 'binance-usdm BTCUSDT', venue: 'binance-usdm', symbol: 'BTCUSDT', lateFill: 'held', rejectCode: '-2019' },
  { label: 'binance-spot BTCUSDT', venue: 'binance-spot', symbol: 'BTCUSDT', lateFill: 'held', rejectCode: '-2010' },
  { label: 'okx BTC-USDT-SWAP', venue: 'okx', symbol: 'BTC-USDT-SWAP', lateFill: 'phantom', rejectCode: '51008' },
  { label: 'okx BTC-USDT (spot)', venue: 'okx', symbol: 'BTC-USDT', lateFill: 'phantom', rejectCode: '51008' },
  { label: 'bitget BTCUSDT (futures)', venue: 'bitget', symbol: 'BTCUSDT', lateFill: 'phantom', rejectCode: '40762' },
  { label: 'bitget BTCUSDT_SPBL (spot)', venue: 'bitget', symbol: 'BTCUSDT_SPBL', lateFill: 'phantom', rejectCode: '43012' },
  { label: 'paper (hyperliquid BTC)', venue: 'hyperliquid', symbol: 'BTC', lateFill: 'emulated' },
];

describe.each(SETUPS)('order life on $label', (setup) => {
  const paper = setup.lateFill === 'emulated';
  let h: VenueHarness;

  beforeAll(async () => {
    h = await new VenueHarness(setup).open();
  });
  afterAll(async () => {
    await h?.close();
  });
  // Each case starts alone on the book: a resting order left over would take the next case's trades.
  afterEach(async () => {
    await h.cancelOpen();
  });

  it('1. a limit is placed: SUBMITTED → ACCEPTED with the venue order id recorded', async () => {
    const out = await h.submit();
    const cid = out.clientOrderId;
    expect(out.status).toBe('ACCEPTED');
    expect(await h.path(cid)).toEqual(['SUBMITTED', 'ACCEPTED']);
    await eventually(() => h.venueOrderIds(cid).length > 0, 'the venue order');
    expect(h.venueOrderIds(cid)).toHaveLength(1);
    expect(h.om.context(cid)?.venueOrderId).toBe(h.venueOrderIds(cid)[0]);
    expect(await h.records(cid, 'order.refused')).toEqual([]);
  });

  it('2. partial then full fill: PARTIALLY_FILLED → FILLED, each fill once with its trade id and fee', async () => {
    const { clientOrderId: cid } = await h.submit();
    const part = (h.qtyLots * 4) / 10;
    h.tradeThrough(part);
    await eventually(() => h.om.status(cid) === 'PARTIALLY_FILLED', 'PARTIALLY_FILLED');
    expect(h.om.context(cid)?.filled).toBe(part);
    h.tradeThrough(h.qtyLots - part);
    await eventually(() => h.om.status(cid) === 'FILLED', 'FILLED');
    expect(await h.path(cid)).toEqual(['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
    expect(h.om.context(cid)).toMatchObject({ filled: h.qtyLots, avgPrice: String(h.restTicks) });
    const fills = h.fillsOf(cid);
    expect(fills.map((f) => h.inst.qty.toInt(f.qty))).toEqual([part, h.qtyLots - part]);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(2);
    for (const f of fills) {
      expect(f).toMatchObject({ side: 'buy', liquidity: 'maker', venueOrderId: h.om.context(cid)?.venueOrderId });
      expect(f.tradeId).toMatch(/\S/);
      expect(h.inst.price.toInt(f.price)).toBe(h.restTicks);
      // Every venue here charges makers (no rebate tier): a positive fee in a named asset.
      expect(Number(f.fee)).toBeGreaterThan(0);
      expect(f.feeAsset).toMatch(/^[A-Z]+$/);
    }
    expect(await h.records(cid, 'order.refused')).toEqual([]);
  });

  it('3. cancel: PENDING_CANCEL → CANCELED, nothing filled', async () => {
    const { clientOrderId: cid } = await h.submit();
    expect(h.om.cancel(cid)).toBe(true);
    await eventually(() => h.om.status(cid) === 'CANCELED', 'CANCELED');
    expect(await h.path(cid)).toEqual(['SUBMITTED', 'ACCEPTED', 'PENDING_CANCEL', 'CANCELED']);
    expect(h.om.context(cid)?.filled).toBe(0);
    expect(h.fillsOf(cid)).toEqual([]);
    expect(await h.records(cid, 'order.refused')).toEqual([]);
  });

  it('4. fill-after-cancel: CANCELED first, then the late fill is applied and the order stays CANCELED', async () => {
    const { clientOrderId: cid } = await h.submit();
    h.inject('fill-after-cancel');
    // `held`/`emulated`: a partial fill is booked at the venue but its message is held back until
    // the cancel went out. `phantom`: the venue sends one lot of fill after the cancel.
    const lateLots = setup.lateFill === 'phantom' ? 1 : (h.qtyLots * 4) / 10;
    if (setup.lateFill !== 'phantom') {
      h.tradeThrough(lateLots);
      await eventually(async () => (await h.venueFilledLots(cid)) === lateLots, 'the venue booking the partial fill');
    }
    h.om.cancel(cid);
    await eventually(() => h.om.status(cid) === 'CANCELED' && h.om.context(cid)?.filled === lateLots, 'CANCELED with the late fill');
    expect(await h.path(cid)).toEqual(['SUBMITTED', 'ACCEPTED', 'PENDING_CANCEL', 'CANCELED']);
    const fills = h.fillsOf(cid);
    expect(fills.map((f) => h.inst.qty.toInt(f.qty))).toEqual([lateLots]);
    // The fill reached the ledger after the order was CANCELED.
    const canceledAt = (await h.records(cid, 'transition')).find((r) => r.to === 'CANCELED')!.seq;
    const filledAt = (await h.records(cid, 'order.fill'))[0]!.seq;
    expect(filledAt).toBeGreaterThan(canceledAt);
    expect(h.om.status(cid)).toBe('CANCELED');
    expect(await h.records(cid, 'order.refused')).toEqual([]);
  });

  if (!paper) {
    it('5. reject-next-order: REJECTED with the venue reason and code, no order at the venue', async () => {
      h.inject('reject-next-order');
      const out = await h.submit();
      expect(out.status).toBe('REJECTED');
      expect(out.reason).toMatch(new RegExp(`^\\S.* \\(venue code ${setup.rejectCode}\\)$`));
      expect(await h.path(out.clientOrderId)).toEqual(['SUBMITTED', 'REJECTED']);
      expect(h.venueOrderIds(out.clientOrderId)).toEqual([]);
    });

    it('6. http429: the place is retried after the penalty and ACCEPTED, one order at the venue', async () => {
      h.inject('http429');
      const t0 = Date.now();
      const out = await h.submit();
      expect(out.status).toBe('ACCEPTED');
      // The simulated venue asks for `retry-after: 1`: the retry waits that second out.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(h.server!.take('http429')).toBe(false);
      expect(await h.path(out.clientOrderId)).toEqual(['SUBMITTED', 'ACCEPTED']);
      expect(h.venueOrderIds(out.clientOrderId)).toHaveLength(1);
      expect(h.om.context(out.clientOrderId)?.venueOrderId).toBe(h.venueOrderIds(out.clientOrderId)[0]);
    });

    it('7. answers slower than the timeout: UNKNOWN, then the query resolves a resting order ACCEPTED and a crossing one FILLED', async () => {
      const server = h.server!;
      // The venue acts at once but answers late; its stream is quiet meanwhile, so only the
      // query can tell what became of the orders.
      server.latencyMs = TIMEOUT_MS * 2;
      server.silent = true;
      let rest: OrderOutcome;
      let cross: OrderOutcome;
      try {
        [rest, cross] = await Promise.all([h.submit(), h.submit(h.intent('ask'))]);
        expect([rest.status, cross.status]).toEqual(['UNKNOWN', 'UNKNOWN']);
      } finally {
        server.latencyMs = 0;
        server.silent = false;
      }
      await eventually(() => h.om.status(rest.clientOrderId) === 'ACCEPTED' && h.om.status(cross.clientOrderId) === 'FILLED', 'the queries resolving both orders');
      expect(await h.path(rest.clientOrderId)).toEqual(['SUBMITTED', 'UNKNOWN', 'ACCEPTED']);
      // The query's answer (filled, with its order id) is recorded as the ack it implies before the fills close the order.
      expect(await h.path(cross.clientOrderId)).toEqual(['SUBMITTED', 'UNKNOWN', 'ACCEPTED', 'FILLED']);
      for (const { clientOrderId: cid } of [rest, cross]) {
        // One order per client id even when the first place's answer was lost and the order had already filled.
        expect(h.venueOrderIds(cid), `orders the venue holds under ${cid}`).toHaveLength(1);
        expect(h.om.context(cid)?.venueOrderId).toBe(h.venueOrderIds(cid)[0]);
        expect((await h.records(cid, 'order.place_failed')).map((r) => (r.data as { code: string }).code)).toEqual(['VENUE_TIMEOUT']);
        expect(await h.records(cid, 'order.refused')).toEqual([]);
      }
      // The crossing order's fills were never streamed: the query fetched them for the ledger.
      const fills = h.fillsOf(cross.clientOrderId);
      expect(fills.reduce((n, f) => n + h.inst.qty.toInt(f.qty), 0)).toBe(h.qtyLots);
      expect(fills.every((f) => f.liquidity === 'taker' && h.inst.price.toInt(f.price) === h.askTicks && Number(f.fee) > 0)).toBe(true);
    });

    it('7b. an answer slower than the timeout while the stream is live: the pushed ack settles it, the late timeout is no refusal', async () => {
      h.server!.latencyMs = TIMEOUT_MS * 2;
      let out: OrderOutcome;
      try {
        out = await h.submit();
        await eventually(async () => (await h.records(out.clientOrderId, 'order.place_failed')).length === 1, 'the place timing out');
      } finally {
        h.server!.latencyMs = 0;
      }
      expect(out.status).toBe('ACCEPTED');
      expect(await h.path(out.clientOrderId)).toEqual(['SUBMITTED', 'ACCEPTED']);
      expect(await h.records(out.clientOrderId, 'order.refused')).toEqual([]);
      expect(h.om.context(out.clientOrderId)).toMatchObject({ refusedCount: 0, venueOrderId: h.venueOrderIds(out.clientOrderId)[0] });
    });
  } else {
    it('7. a slow paper answer: SUBMITTED for the latency, then ACCEPTED (the paper engine never times out)', async () => {
      const out = await h.submit();
      expect(out.status).toBe('ACCEPTED');
      const recs = await h.records(out.clientOrderId, 'transition');
      expect(recs.map((r) => r.to)).toEqual(['SUBMITTED', 'ACCEPTED']);
      expect(recs[1]!.ts - recs[0]!.ts).toBeGreaterThanOrEqual(PAPER_LATENCY_MS - 5);
      expect(h.venueOrderIds(out.clientOrderId)).toHaveLength(1);
      expect(h.om.context(out.clientOrderId)?.venueOrderId).toBe(h.venueOrderIds(out.clientOrderId)[0]);
    });
  }

  it('8. the same intent submitted twice (at once and again later) is one order at the venue', async () => {
    const intent = h.intent();
    const [a, b] = await Promise.all([h.submit(intent), h.submit(intent)]);
    const c = await h.submit(intent);
    expect(b.clientOrderId).toBe(a.clientOrderId);
    expect(c.clientOrderId).toBe(a.clientOrderId);
    expect([a.status, b.status, c.status]).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    expect(await h.path(a.clientOrderId)).toEqual(['SUBMITTED', 'ACCEPTED']);
    expect(h.venueOrderIds(a.clientOrderId)).toHaveLength(1);
  });

  it('reads every private message the venue sent (nothing malformed)', () => {
    expect(h.malformed).toEqual([]);
  });
});
