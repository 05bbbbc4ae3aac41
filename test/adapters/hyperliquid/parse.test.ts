import { describe, expect, it } from 'vitest';
import { hyperliquidAdapter } from '../../../src/adapters/hyperliquid/index.ts';
import type { HyperliquidRestMeta } from '../../../src/adapters/hyperliquid/messages.ts';
import { parseHyperliquidAllMids, parseHyperliquidL2Book } from '../../../src/adapters/hyperliquid/parse.ts';
import { hyperliquidInstrumentSpec, hyperliquidPerpTick, hyperliquidSubscription, hyperliquidTopicOf } from '../../../src/adapters/hyperliquid/symbols.ts';
import type { ParseOutcome } from '../../../src/adapters/types.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { Funding, Ticker } from '../../../src/model/market.ts';
import { Scale } from '../../../src/model/scale.ts';
import { describeFixtures, fixtureJson, fixtureLines, fixtureText } from '../../support/fixtures.ts';
import { itParsesRows, type ParseRow } from '../parseTable.ts';

const V = 'hyperliquid';
const parse = (text: string, lookup: InstrumentLookup): ParseOutcome => hyperliquidAdapter.parse(text, 3_600_000 * 10 + 5, lookup);

/** An instrument built the way fetchInstruments builds it, from a coin's szDecimals. */
function coin(name: string, szDecimals: number, quote = 'USDC'): Instrument {
  return makeInstrument(hyperliquidInstrumentSpec({ name, szDecimals }, quote));
}
function lookupOf(...list: Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}
function events(out: ParseOutcome) {
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events;
}

describe('hyperliquid grid and topics', () => {
  it('tick = 10^-(6 - szDecimals), lot = 10^-szDecimals', () => {
    expect(hyperliquidPerpTick(5)).toBe('0.1');
    expect(hyperliquidPerpTick(0)).toBe('0.000001');
    expect(hyperliquidPerpTick(6)).toBe('1');
    expect(coin('ETH', 4)).toMatchObject({ tickSize: '0.01', lotSize: '0.0001', minNotional: '10', quote: 'USDC', base: 'ETH', kind: 'perp' });
    expect(coin('xyz:NVDA', 3)).toMatchObject({ id: 'hyperliquid:xyz:NVDA', base: 'NVDA', tickSize: '0.001', lotSize: '0.001' });
  });

  it('topics round-trip through the venue subscription object (HIP-3 coins keep their colon)', () => {
    expect(hyperliquidSubscription('l2Book:xyz:NVDA')).toEqual({ type: 'l2Book', coin: 'xyz:NVDA' });
    expect(hyperliquidSubscription('allMids')).toEqual({ type: 'allMids' });
    expect(hyperliquidTopicOf({ type: 'trades', coin: 'BTC' })).toBe('trades:BTC');
    const nvda = coin('xyz:NVDA', 3);
    expect(hyperliquidAdapter.topics(nvda, 20)).toEqual(['l2Book:xyz:NVDA', 'trades:xyz:NVDA', 'activeAssetCtx:xyz:NVDA']);
    expect(hyperliquidAdapter.sharedTopics!()).toEqual(['allMids']);
    expect(hyperliquidAdapter.subscribeFrames(['l2Book:xyz:NVDA', 'allMids'], 1).map((f) => JSON.parse(f))).toEqual([
      { method: 'subscribe', subscription: { type: 'l2Book', coin: 'xyz:NVDA' } },
      { method: 'subscribe', subscription: { type: 'allMids' } },
    ]);
    expect(JSON.parse(hyperliquidAdapter.unsubscribeFrames(['trades:BTC'], 2)[0]!)).toEqual({ method: 'unsubscribe', subscription: { type: 'trades', coin: 'BTC' } });
    expect(hyperliquidAdapter.pingFrame()).toBe('{"method":"ping"}');
    expect(hyperliquidAdapter.connectUrl(hyperliquidAdapter.defaultUrls.ws)).toBe('wss://api.hyperliquid.xyz/ws');
    expect(hyperliquidAdapter.connectUrl('ws://127.0.0.1:5/ws')).toBe('ws://127.0.0.1:5/ws');
  });

  it('computed prices off the grid are fractional ticks', () => {
    expect(new Scale('0.000001').toTicks('0.0015655')).toBeCloseTo(1565.5, 9);
    expect(new Scale('0.1').toTicks('80868.5')).toBe(808685);
  });
});

describe('hyperliquid parse: bad input and control frames', () => {
  const BTC = coin('BTC', 5);
  const lookup = lookupOf(BTC);
  const book = (data: Record<string, unknown>) => JSON.stringify({ channel: 'l2Book', data: { coin: 'BTC', time: 5, levels: [[{ px: '100.0', sz: '1', n: 1 }], []], ...data } });
  const trade = (t: Record<string, unknown>) => JSON.stringify({ channel: 'trades', data: [{ coin: 'BTC', side: 'B', px: '100.0', sz: '0.1', time: 1, hash: '0x', tid: 7, ...t }] });
  const rows: ParseRow[] = [
    ['malformed JSON', '{"channel":', { problem: 'malformed-json' }],
    ['no channel', '{"data":{}}', { problem: 'unknown-type' }],
    ['unknown channel', '{"channel":"l3Book","data":{}}', { problem: 'unknown-type' }],
    ['l2Book without time', book({ time: undefined }), { problem: 'missing-field' }],
    ['l2Book with one side', book({ levels: [[]] }), { problem: 'missing-field' }],
    ['l2Book level without px', book({ levels: [[{ sz: '1' }], []] }), { problem: 'missing-field' }],
    ['non-numeric price', book({ levels: [[{ px: 'NaN', sz: '1' }], []] }), { problem: 'bad-number' }],
    ['price off the 0.1 grid', book({ levels: [[], [{ px: '100.05', sz: '1' }]] }), { problem: 'bad-number' }],
    ['size finer than the lot', book({ levels: [[], [{ px: '100.0', sz: '0.000001' }]] }), { problem: 'bad-number' }],
    ['unknown coin', book({ coin: 'xyz:NVDA' }), { problem: 'unknown-instrument' }],
    ['trade with a bad side', trade({ side: 'X' }), { problem: 'missing-field' }],
    ['trade without tid', trade({ tid: undefined }), { problem: 'missing-field' }],
    ['trade for an unknown coin', trade({ coin: 'ETH' }), { problem: 'unknown-instrument' }],
    ['allMids without mids', '{"channel":"allMids","data":{}}', { problem: 'missing-field' }],
    ['allMids with a bad mid for a known coin', '{"channel":"allMids","data":{"mids":{"BTC":"-1"}}}', { problem: 'bad-number' }],
    ['activeAssetCtx without funding', '{"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"markPx":"1.0","oraclePx":"1.0"}}}', { problem: 'missing-field' }],
    ['activeAssetCtx with a bad rate', '{"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"funding":"x","markPx":"1.0","oraclePx":"1.0","openInterest":"1"}}}', { problem: 'bad-number' }],
    ['subscription ack', '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}}', { ok: true, events: [], control: { kind: 'ack', ok: true } }],
    ['pong', '{"channel":"pong"}', { ok: true, events: [], control: { kind: 'pong' } }],
    ['venue error frame', '{"channel":"error","data":"Invalid subscription {\\"type\\":\\"l2Book\\",\\"coin\\":\\"NOPE\\"}"}', { ok: true, events: [], control: { kind: 'error', message: 'Invalid subscription {"type":"l2Book","coin":"NOPE"}' } }],
    ['spot context is ignored', '{"channel":"activeSpotAssetCtx","data":{}}', { ok: true, events: [], control: { kind: 'ignored', what: 'activeSpotAssetCtx' } }],
  ];
  itParsesRows(rows, (text) => parse(text, lookup));
});

describeFixtures('hyperliquid parse: shared fixtures', () => {
  const meta = (): HyperliquidRestMeta => fixtureJson<{ response: HyperliquidRestMeta }>(V, 'rest-meta-2023-07-17.json').response;
  const metaLookup = (): InstrumentLookup => lookupOf(...meta().universe.map((a) => makeInstrument(hyperliquidInstrumentSpec(a, 'USDC'))));

  it('rest-meta: 28 perps on the szDecimals grid', () => {
    const insts = meta().universe.map((a) => makeInstrument(hyperliquidInstrumentSpec(a, 'USDC')));
    expect(insts).toHaveLength(28);
    expect(insts[0]).toMatchObject({ id: 'hyperliquid:BTC', tickSize: '0.1', lotSize: '0.00001', status: 'trading' });
    expect(insts.find((i) => i.symbol === 'kPEPE')).toMatchObject({ tickSize: '0.000001', lotSize: '1' });
    expect(makeInstrument(hyperliquidInstrumentSpec({ name: 'OLD', szDecimals: 2, isDelisted: true }, 'USDC')).status).toBe('delisted');
  });

  it('rest-all-perp-metas-hip3-excerpt: HIP-3 names keep their dex prefix', () => {
    const metas = fixtureJson<HyperliquidRestMeta[]>(V, 'rest-all-perp-metas-hip3-excerpt.json');
    const insts = metas.flatMap((m) => m.universe.map((a) => makeInstrument(hyperliquidInstrumentSpec(a, m.collateralToken === 0 ? 'USDC' : `token${m.collateralToken}`))));
    expect(insts.map((i) => [i.id, i.base, i.tickSize, i.lotSize, i.quote])).toEqual([
      ['hyperliquid:BTC', 'BTC', '0.1', '0.00001', 'USDC'],
      ['hyperliquid:km:US500', 'US500', '0.001', '0.001', 'token360'],
      ['hyperliquid:hyna:BTC', 'BTC', '0.1', '0.00001', 'token235'],
    ]);
  });

  it('rest-l2book-dydx: the full 20×20 book with seq = time', () => {
    const body = fixtureJson<{ response: unknown }>(V, 'rest-l2book-dydx-2023-07-17.json').response;
    const out = parseHyperliquidL2Book(body, 1, metaLookup());
    if (!out.ok) throw new Error(out.detail);
    expect(out.snapshot).toMatchObject({ kind: 'book.snapshot', instrument: 'hyperliquid:DYDX', seq: 1689630203930, tsEvent: 1689630203930 });
    expect(out.snapshot.bids.length).toBe(40);
    expect(out.snapshot.asks.length).toBe(40);
    expect(out.snapshot.bids.slice(0, 4)).toEqual([211100, 1344, 211050, 1411]);
  });

  it('rest-l2book-btc: 5×5 without n', () => {
    const out = parseHyperliquidL2Book(fixtureJson(V, 'rest-l2book-btc-2025-10-30.json'), 1, metaLookup());
    if (!out.ok) throw new Error(out.detail);
    expect(out.snapshot.bids.slice(0, 2)).toEqual([1104270, 411882]);
    expect(out.snapshot.asks.slice(0, 2)).toEqual([1104280, 372573]);
    expect(out.snapshot.seq).toBe(1761786491067);
  });

  it('rest-allmids: every main-dex mid of the meta universe becomes a ticker', () => {
    const body = fixtureJson<{ response: Record<string, string> }>(V, 'rest-allmids-2023-07-17.json').response;
    const out = events(parseHyperliquidAllMids({ mids: body }, 9, metaLookup())) as Ticker[];
    expect(out).toHaveLength(28);
    expect(out.find((t) => t.instrument === 'hyperliquid:BTC')!.last).toBe(301350);
    expect(out.find((t) => t.instrument === 'hyperliquid:kPEPE')!.last).toBe(1565);
  });

  it('ws-allmids: tickers for known perps, spot keys skipped', () => {
    const out = events(parse(fixtureText(V, 'ws-allmids.json'), lookupOf(coin('BTC', 5), coin('ETH', 4), coin('SOL', 2)))) as Ticker[];
    expect(out.map((t) => [t.instrument, t.last, t.tsEvent])).toEqual([
      ['hyperliquid:BTC', 808685, 36_000_005],
      ['hyperliquid:ETH', 229645, 36_000_005],
      ['hyperliquid:SOL', 948775, 36_000_005],
    ]);
  });

  describe('ws-live-messages-2024-10-29 line by line', () => {
    // szDecimals as listed on the venue for these coins; the tick rule makes every price fit.
    const live = (): InstrumentLookup => lookupOf(coin('FXS', 1), coin('BTC', 5), coin('SHIA', 0), coin('BANANA', 1), coin('MOODENG', 0));
    const expected: [number, string, (o: ParseOutcome) => void][] = [
      [0, 'trade FXS, seller aggressor', (o) => expect(events(o)).toEqual([{ kind: 'trade', instrument: 'hyperliquid:FXS', tsEvent: 1730160015113, tsRecv: 36_000_005, tradeId: '611279506717453', price: 190080, qty: 105, aggressor: 'sell' }])],
      [1, 'trade FXS', (o) => expect(events(o)).toMatchObject([{ price: 190140, qty: 91, aggressor: 'sell' }])],
      [2, 'three BTC trades, buyer aggressor', (o) => expect(events(o)).toMatchObject([{ tradeId: '1016375172059570', price: 699970, qty: 38111, aggressor: 'buy' }, { qty: 33458 }, { qty: 83613 }])],
      [3, 'trade BTC', (o) => expect(events(o)).toMatchObject([{ price: 699980, qty: 714, aggressor: 'buy' }])],
      [4, 'l2Book with an empty book', (o) => expect(events(o)).toEqual([{ kind: 'book.snapshot', instrument: 'hyperliquid:SHIA', tsEvent: 1730160007687, tsRecv: 36_000_005, seq: 1730160007687, bids: [], asks: [] }])],
      [5, 'l2Book BANANA', (o) => expect(events(o)).toMatchObject([{ kind: 'book.snapshot', seq: 1730160007687, bids: [5980000, 34, 5977800, 16], asks: [5981100, 29, 5983200, 176] }])],
      [6, 'activeAssetCtx → funding and ticker', (o) => {
        const [f, t] = events(o) as [Funding, Ticker];
        expect(f).toEqual({ kind: 'funding', instrument: 'hyperliquid:MOODENG', tsEvent: 36_000_005, tsRecv: 36_000_005, rate: '0.00004863', nextFundingTime: 39_600_000, markPrice: 199630, indexPrice: 199500 });
        expect(t).toMatchObject({ kind: 'ticker', openInterest: 18617460, quoteVolume24h: 7665220.55613 });
      }],
      [7, 'activeSpotAssetCtx is ignored', (o) => expect(o).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'activeSpotAssetCtx' } })],
      [8, 'bbo of a spot pair we do not list', (o) => expect(o).toMatchObject({ ok: false, problem: 'unknown-instrument' })],
      [9, 'one-sided bbo', (o) => expect(events(o)).toEqual([{ kind: 'ticker', instrument: 'hyperliquid:BTC', tsEvent: 1750948919838, tsRecv: 36_000_005, bidPrice: 1075750, bidQty: 387947 }])],
    ];
    it('has the 10 messages the table covers', () => {
      expect(fixtureLines(V, 'ws-live-messages-2024-10-29.jsonl')).toHaveLength(expected.length);
    });
    it.each(expected)('line %i: %s', (i, _name, check) => {
      check(parse(fixtureLines(V, 'ws-live-messages-2024-10-29.jsonl')[i]!, live()));
    });
    it('a two-sided bbo fills both sides', () => {
      const spot = makeInstrument({ venue: V, symbol: '@162', kind: 'spot', base: '@162', quote: 'USDC', tickSize: '0.00001', lotSize: '0.1' });
      expect(events(parse(fixtureLines(V, 'ws-live-messages-2024-10-29.jsonl')[8]!, lookupOf(spot)))).toMatchObject([{ bidPrice: 97925, bidQty: 41446, askPrice: 97934, askQty: 500 }]);
    });
  });

  it.each([
    ['ws-all-dexs-asset-ctxs-excerpt.json', 'allDexsAssetCtxs'],
    ['ws-user-fill-liquidation.json', 'user'],
  ])('%s is a known channel the public adapter ignores', (file, what) => {
    expect(parse(fixtureText(V, file), metaLookup())).toEqual({ ok: true, events: [], control: { kind: 'ignored', what } });
  });
});
