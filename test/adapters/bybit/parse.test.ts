import { describe, expect, it } from 'vitest';
import { bybitLinearAdapter } from '../../../src/adapters/bybit/index.ts';
import { parseBybitRestOrderbook } from '../../../src/adapters/bybit/parse.ts';
import { bybitInstrumentSpec, isBybitUsdtPerp } from '../../../src/adapters/bybit/symbols.ts';
import type { BybitRestEnvelope, BybitRestInstrumentsResult, BybitRestOrderbookResult } from '../../../src/adapters/bybit/messages.ts';
import type { ParseOutcome } from '../../../src/adapters/types.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { BookEvent, Funding, Ticker, Trade } from '../../../src/model/market.ts';
import { Scale } from '../../../src/model/scale.ts';
import { describeFixtures, fixtureJson, fixtureLines, fixtureText } from '../../support/fixtures.ts';
import { itParsesRows, type ParseRow } from '../parseTable.ts';

const V = 'bybit-linear';
const parse = (text: string, lookup: InstrumentLookup): ParseOutcome => bybitLinearAdapter.parse(text, 7, lookup);

function inst(symbol: string, tickSize: string, lotSize: string): Instrument {
  return makeInstrument({ venue: V, symbol, kind: 'perp', base: symbol.replace(/USDT$|USD$|PERP$/, ''), quote: 'USDT', tickSize, lotSize });
}

function lookupOf(...list: Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}

function events(out: ParseOutcome) {
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events;
}

// BTCUSDT as Bybit states it (tick 0.10, lot 0.001) comes from the instruments fixture where read;
// the hand-built one here is for the bad-input table, which needs no fixtures.
const BTC = inst('BTCUSDT', '0.10', '0.001');
const lookup = lookupOf(BTC);

describe('bybit parse: bad input and control frames', () => {
  const book = (over: Record<string, unknown>, data: Record<string, unknown> = {}) =>
    JSON.stringify({ topic: 'orderbook.50.BTCUSDT', type: 'delta', ts: 1, data: { s: 'BTCUSDT', b: [['100.0', '1']], a: [], u: 5, ...data }, ...over });
  const rows: ParseRow[] = [
    ['malformed JSON', '{"topic":', { problem: 'malformed-json' }],
    ['not an object', '[1,2]', { problem: 'unknown-type' }],
    ['no topic and no op', '{"data":{}}', { problem: 'unknown-type' }],
    ['unknown topic', '{"topic":"orderbookz.1.BTCUSDT","data":{}}', { problem: 'unknown-type' }],
    ['private topic on the public parser', '{"topic":"order","data":[]}', { problem: 'unknown-type' }],
    ['book without data', '{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1}', { problem: 'missing-field' }],
    ['book without u', book({}, { u: undefined }), { problem: 'missing-field' }],
    ['book without s', book({}, { s: undefined }), { problem: 'missing-field' }],
    ['book without ts', book({ ts: undefined }), { problem: 'missing-field' }],
    ['book with an unknown type', book({ type: 'partial' }), { problem: 'unknown-type' }],
    ['book level not a pair', book({}, { b: [['100.0']] }), { problem: 'missing-field' }],
    ['non-numeric price', book({}, { b: [['abc', '1']] }), { problem: 'bad-number' }],
    ['negative size', book({}, { b: [['100.0', '-1']] }), { problem: 'bad-number' }],
    ['price off the 0.10 grid', book({}, { b: [['100.05', '1']] }), { problem: 'bad-number' }],
    ['size off the 0.001 lot', book({}, { a: [['100.0', '0.0001']] }), { problem: 'bad-number' }],
    ['unknown instrument', book({}, { s: 'DOGEUSDT' }), { problem: 'unknown-instrument' }],
    ['trade with a bad side', '{"topic":"publicTrade.BTCUSDT","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Up","v":"1","p":"1.0","i":"x"}]}', { problem: 'missing-field' }],
    ['trade without id', '{"topic":"publicTrade.BTCUSDT","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"1","p":"1.0"}]}', { problem: 'missing-field' }],
    ['trade data not a list', '{"topic":"publicTrade.BTCUSDT","ts":1,"data":{}}', { problem: 'missing-field' }],
    ['ticker with a text price', '{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","bid1Price":"x"}}', { problem: 'bad-number' }],
    ['ticker with a bad funding rate', '{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","fundingRate":"1e-4"}}', { problem: 'bad-number' }],
    ['ticker for an unknown symbol', '{"topic":"tickers.ETHUSDT","type":"delta","ts":1,"data":{"symbol":"ETHUSDT"}}', { problem: 'unknown-instrument' }],
    ['subscribe ack', '{"success":true,"ret_msg":"","conn_id":"c1","req_id":"1","op":"subscribe"}', { ok: true, events: [], control: { kind: 'ack', ok: true } }],
    ['unsubscribe ack', '{"success":true,"ret_msg":"","conn_id":"c1","req_id":"2","op":"unsubscribe"}', { ok: true, events: [], control: { kind: 'ack', ok: true } }],
    [
      'subscribe refused',
      '{"success":false,"ret_msg":"error:handler not found,topic:orderbook.30.BTCUSDT","conn_id":"c1","req_id":"3","op":"subscribe"}',
      { ok: true, events: [], control: { kind: 'ack', ok: false, detail: 'error:handler not found,topic:orderbook.30.BTCUSDT' } },
    ],
    ['public pong', '{"success":true,"ret_msg":"pong","conn_id":"c1","req_id":"","op":"ping"}', { ok: true, events: [], control: { kind: 'pong' } }],
    ['private-style pong', '{"op":"pong","args":["1675418560633"],"conn_id":"c1"}', { ok: true, events: [], control: { kind: 'pong' } }],
    ['venue error frame', '{"success":false,"ret_msg":"Params Error","conn_id":"c1","op":"auth"}', { ok: true, events: [], control: { kind: 'error', message: 'Params Error' } }],
    ['liquidation is ignored', '{"topic":"liquidation.BTCUSDT","type":"snapshot","ts":1,"data":{}}', { ok: true, events: [], control: { kind: 'ignored', what: 'liquidation' } }],
  ];
  itParsesRows(rows, (text) => parse(text, lookup));

  it('a delta with only unmapped ticker fields yields no events', () => {
    expect(parse('{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","price24hPcnt":"0.1"}}', lookup)).toEqual({ ok: true, events: [] });
  });

  it('keeps computed prices between ticks as fractional ticks', () => {
    const s = new Scale('0.10');
    expect(s.toTicks('28552.80')).toBe(285528);
    expect(s.toTicks('28552.81')).toBeCloseTo(285528.1, 9);
    expect(new Scale('0.5').toTicks('10.3')).toBeCloseTo(20.6, 9);
    expect(s.toTicks('x')).toBeNaN();
  });
});

describeFixtures('bybit parse: shared fixtures', () => {
  const instruments = (): Instrument[] => {
    const env = fixtureJson<BybitRestEnvelope<BybitRestInstrumentsResult>>(V, 'rest-instruments-info-linear.docs.json');
    return env.result.list.filter(isBybitUsdtPerp).map((r) => makeInstrument(bybitInstrumentSpec(r)));
  };

  it('rest-instruments-info-linear: BTCUSDT spec as stated', () => {
    const [btc, ...rest] = instruments();
    expect(rest).toHaveLength(0);
    expect(btc).toMatchObject({ id: 'bybit-linear:BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minQty: '0.001', minNotional: '5', status: 'trading', listedAt: 1585526400000 });
    expect(btc!.price.toInt('16493.50')).toBe(164935);
  });

  it('rest-orderbook: a REST snapshot with seq = u', () => {
    // The docs example has prices at 0.01 and sizes at 1e-6, finer than real BTCUSDT: an
    // instrument fine enough for every number in it.
    const fine = inst('BTCUSDT', '0.01', '0.000001');
    const env = fixtureJson<BybitRestEnvelope<BybitRestOrderbookResult>>(V, 'rest-orderbook.docs.json');
    const out = parseBybitRestOrderbook(env.result, fine, 9);
    expect(out).toEqual({ ok: true, snapshot: { kind: 'book.snapshot', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1716863719031, tsRecv: 9, seq: 230704, bids: [6548547, 47081829], asks: [6555770, 16606555] } });
    expect(parseBybitRestOrderbook(env.result, inst('ETHUSDT', '0.01', '0.000001'), 9)).toMatchObject({ ok: false, problem: 'unknown-instrument' });
  });

  const look = (): InstrumentLookup => lookupOf(...instruments());

  it('ws-orderbook50-snapshot / delta docs examples', () => {
    const snap = events(parse(fixtureText(V, 'ws-orderbook50-snapshot.docs.json'), look()));
    expect(snap).toEqual([{ kind: 'book.snapshot', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1672304484978, tsRecv: 7, seq: 18521288, bids: [164935, 6, 164930, 100], asks: [166110, 29, 166120, 213] }]);
    const [delta] = events(parse(fixtureText(V, 'ws-orderbook50-delta.docs.json'), look())) as BookEvent[];
    expect(delta).toMatchObject({ kind: 'book.delta', seq: 177400507, tsEvent: 1687940967466 });
    expect(delta!.bids).toEqual([302472, 30028, 302454, 224, 302421, 1593, 302403, 1305, 302400, 0]);
    expect(delta!.asks.filter((_, i) => i % 2 === 1)).toEqual([0, 892, 1778, 0, 2947, 659, 4591]);
  });

  it('ws-public-trade docs example: S is the taker side', () => {
    expect(events(parse(fixtureText(V, 'ws-public-trade.docs.json'), look()))).toEqual([
      { kind: 'trade', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1672304486865, tsRecv: 7, tradeId: '20f43950-d8dd-5b31-9112-a178eb6023af', price: 165785, qty: 1, aggressor: 'buy' },
    ]);
  });

  it('ws-tickers-linear-snapshot docs example: ticker and funding', () => {
    const [ticker, funding] = events(parse(fixtureText(V, 'ws-tickers-linear-snapshot.docs.json'), look())) as [Ticker, Funding];
    expect(ticker).toEqual({ kind: 'ticker', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1760325052630, tsRecv: 7, bidPrice: 666666, bidQty: 23789165, askPrice: 666667, askQty: 23775469, last: 666666, quoteVolume24h: 4936790807.6521, openInterest: 492373.72 });
    expect(funding).toMatchObject({ kind: 'funding', rate: '-0.005', nextFundingTime: 1760342400000, markPrice: 666666 });
    expect(funding.indexPrice).toBeCloseTo(1154181.9, 6);
  });

  it('xrpusdt ob500: every line parses; the snapshot holds 500 levels a side', () => {
    const xrp = lookupOf(inst('XRPUSDT', '0.0001', '1')); // real XRPUSDT grid; fits every number in the file
    const lines = fixtureLines(V, 'xrpusdt-orderbook500-snapshot-and-49-deltas-2024-12-01.jsonl');
    const evs = lines.map((l) => events(parse(l, xrp))[0] as BookEvent);
    expect(evs).toHaveLength(50);
    expect(evs[0]).toMatchObject({ kind: 'book.snapshot', seq: 20254869 });
    expect(evs[0]!.bids.length).toBe(1000);
    expect(evs[0]!.asks.length).toBe(1000);
    expect(evs[0]!.bids.slice(0, 2)).toEqual([19531, 6203]);
    expect(evs.slice(1).every((e, i) => e.kind === 'book.delta' && e.seq === 20254870 + i)).toBe(true);
  });

  describe('ws-live-messages-2023-04-05 line by line', () => {
    // Instruments fine enough for every number in the file: inverse (BTCUSD, BTCUSDU23) sizes are
    // whole contracts, USDC BTCPERP and LTCUSDT on a 0.01 tick.
    const live = (): InstrumentLookup =>
      lookupOf(inst('BTCUSDT', '0.10', '0.001'), inst('BTCUSD', '0.50', '1'), inst('BTCUSDU23', '0.50', '1'), inst('BTCPERP', '0.01', '0.001'), inst('LTCUSDT', '0.01', '0.1'));
    const expected: [number, string, (out: ParseOutcome) => void][] = [
      [0, 'publicTrade BTCUSD (inverse)', (o) => expect(events(o).map((e) => (e as Trade).qty)).toEqual([5823, 3, 5593])],
      [1, 'publicTrade LTCUSDT', (o) => expect(events(o)).toEqual([{ kind: 'trade', instrument: 'bybit-linear:LTCUSDT', tsEvent: 1680688979983, tsRecv: 7, tradeId: '4c7b6bdc-b4a3-5716-9c7b-bbe01dc7072f', price: 9453, qty: 4, aggressor: 'buy' }])],
      [2, 'orderbook.1 snapshot', (o) => expect(events(o)).toEqual([{ kind: 'book.snapshot', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1680673820717, tsRecv: 7, seq: 7003305, bids: [285520, 47], asks: [285521, 25433] }])],
      [3, 'orderbook.1 delta', (o) => expect(events(o)).toEqual([{ kind: 'book.delta', instrument: 'bybit-linear:BTCUSDT', tsEvent: 1680673821137, tsRecv: 7, seq: 7003306, bids: [285520, 12], asks: [] }])],
      [4, 'orderbook.50 BTCPERP snapshot', (o) => expect(events(o)[0]).toMatchObject({ kind: 'book.snapshot', seq: 20683568 })],
      [5, 'orderbook.50 BTCPERP delta', (o) => expect(events(o)[0]).toMatchObject({ kind: 'book.delta', seq: 20683569, bids: [2855520, 677], asks: [2855530, 29] })],
      [6, 'tickers BTCUSD snapshot', (o) => {
        const [t, f] = events(o) as [Ticker, Funding];
        expect(t).toMatchObject({ kind: 'ticker', last: 57120, bidPrice: 57120, askPrice: 57121, bidQty: 340549, askQty: 70817, openInterest: 449736676 });
        expect(f).toMatchObject({ kind: 'funding', rate: '0.0001', nextFundingTime: 1680681600000, markPrice: 57120 });
      }],
      [7, 'tickers BTCUSD delta: only what was sent', (o) => {
        const [t, f] = events(o) as [Ticker, Funding];
        expect(t).toEqual({ kind: 'ticker', instrument: 'bybit-linear:BTCUSD', tsEvent: 1680673822776, tsRecv: 7, bidPrice: 57120, bidQty: 340549, askPrice: 57121, askQty: 70817, openInterest: 449736674 });
        expect(f).toEqual({ kind: 'funding', instrument: 'bybit-linear:BTCUSD', tsEvent: 1680673822776, tsRecv: 7, rate: '0.0001' });
      }],
      [8, 'tickers BTCUSDU23 snapshot: a future has no funding', (o) => expect(events(o).map((e) => e.kind)).toEqual(['ticker'])],
      [9, 'tickers BTCUSDU23 delta', (o) => expect(events(o)).toEqual([{ kind: 'ticker', instrument: 'bybit-linear:BTCUSDU23', tsEvent: 1680673822199, tsRecv: 7, bidPrice: 58050, bidQty: 3100, askPrice: 58054, askQty: 3095 }])],
      [10, 'tickers BTCUSDT snapshot: mark and index between ticks', (o) => {
        const [, f] = events(o) as [Ticker, Funding];
        expect(f.markPrice).toBeCloseTo(285528.1, 6);
        expect(f.indexPrice).toBeCloseTo(285622.5, 6);
      }],
      [11, 'liquidation', (o) => expect(o).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'liquidation' } })],
      [12, 'liquidation (inverse)', (o) => expect(o).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'liquidation' } })],
      [13, 'orderbook.1 delta of a later session', (o) => expect(events(o)[0]).toMatchObject({ kind: 'book.delta', seq: 1188472, bids: [279946, 0, 279917, 777], asks: [279944, 58, 279948, 0] })],
      [14, 'allLiquidation', (o) => expect(o).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'allLiquidation' } })],
    ];
    it('has the 15 messages the table covers', () => {
      expect(fixtureLines(V, 'ws-live-messages-2023-04-05.jsonl')).toHaveLength(expected.length);
    });
    it.each(expected)('line %i: %s', (i, _name, check) => {
      check(parse(fixtureLines(V, 'ws-live-messages-2023-04-05.jsonl')[i]!, live()));
    });
  });

  it.each(['private-order.docs.json', 'private-execution.docs.json', 'private-position.docs.json', 'private-wallet.docs.json'])(
    '%s is not a public frame',
    (file) => {
      expect(parse(fixtureText(V, file), look())).toMatchObject({ ok: false, problem: 'unknown-type' });
    },
  );
});
