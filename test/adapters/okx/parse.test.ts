import { describe, expect, it } from 'vitest';
import { okxAdapter } from '../../../src/adapters/okx/index.ts';
import { okxInstrumentSpec, okxTopicArg } from '../../../src/adapters/okx/symbols.ts';
import type { ParseOutcome } from '../../../src/adapters/types.ts';
import { makeInstrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { BookEvent, Funding, MarketEvent, Ticker, Trade } from '../../../src/model/market.ts';
import { describeFixtures, envelope, fixtureLines, fixtureText } from '../../support/fixtures.ts';
import { BTC_USDT_SPOT, DOCS_BTC_USDT, UNI_USD_SWAP, lookupOf, swapInstruments, swapRows } from './instruments.ts';
import { itParsesRows, type ParseRow } from '../parseTable.ts';

const parse = (text: string, lookup: InstrumentLookup): ParseOutcome => okxAdapter.parse(text, 7, lookup);

function events(out: ParseOutcome): readonly MarketEvent[] {
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events;
}

const lookup = lookupOf(BTC_USDT_SPOT);

describe('okx parse: bad input and control frames', () => {
  const book = (data: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
    JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT' }, action: 'update', data: [{ asks: [], bids: [['30000.1', '1.5', '0', '2']], ts: '1', checksum: 0, seqId: 2, prevSeqId: 1, ...data }], ...over });
  const trade = (t: Record<string, unknown>) => JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: [{ instId: 'BTC-USDT', tradeId: '1', px: '30000', sz: '0.1', side: 'buy', ts: '1', ...t }] });
  const rows: ParseRow[] = [
    ['malformed JSON', '{"arg":', { problem: 'malformed-json' }],
    ['bare text other than pong', 'hello', { problem: 'malformed-json' }],
    ['not an object', '[1,2]', { problem: 'unknown-type' }],
    ['neither event nor arg', '{"data":[]}', { problem: 'unknown-type' }],
    ['unknown channel', '{"arg":{"channel":"bookz","instId":"BTC-USDT"},"data":[{}]}', { problem: 'unknown-type' }],
    ['unknown event', '{"event":"surprise"}', { problem: 'unknown-type' }],
    ['book without data', book({}, { data: [] }), { problem: 'missing-field' }],
    ['book without instId', book({}, { arg: { channel: 'books' } }), { problem: 'missing-field' }],
    ['book without action', book({}, { action: undefined }), { problem: 'missing-field' }],
    ['book without bids', book({ bids: undefined }), { problem: 'missing-field' }],
    ['book without ts', book({ ts: undefined }), { problem: 'missing-field' }],
    ['book level not a list', book({ bids: ['30000.1'] }), { problem: 'missing-field' }],
    ['book price as a JSON number', book({ bids: [[30000.1, '1', '0', '1']] }), { problem: 'bad-number' }],
    ['non-numeric price', book({ bids: [['abc', '1', '0', '1']] }), { problem: 'bad-number' }],
    ['price off the 0.1 grid', book({ bids: [['30000.15', '1', '0', '1']] }), { problem: 'bad-number' }],
    ['negative size', book({ asks: [['30000.2', '-1', '0', '1']] }), { problem: 'bad-number' }],
    ['unknown instrument', book({}, { arg: { channel: 'books', instId: 'DOGE-USDT' } }), { problem: 'unknown-instrument' }],
    ['trade without side', trade({ side: undefined }), { problem: 'missing-field' }],
    ['trade without tradeId', trade({ tradeId: undefined }), { problem: 'missing-field' }],
    ['trade with a text size', trade({ sz: 'x' }), { problem: 'bad-number' }],
    ['ticker with a text price', '{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","bidPx":"x","ts":"1"}]}', { problem: 'bad-number' }],
    ['funding without a rate', '{"arg":{"channel":"funding-rate","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT"}]}', { problem: 'missing-field' }],
    ['pong', 'pong', { ok: true, events: [], control: { kind: 'pong' } }],
    [
      'subscribe ack',
      '{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}',
      { ok: true, events: [], control: { kind: 'ack', ok: true, detail: 'subscribe books:BTC-USDT' } },
    ],
    [
      'unsubscribe ack',
      '{"event":"unsubscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"}',
      { ok: true, events: [], control: { kind: 'ack', ok: true, detail: 'unsubscribe trades:BTC-USDT' } },
    ],
    [
      'venue error frame',
      '{"event":"error","code":"60012","msg":"Invalid request: {\\"op\\": \\"subscribe\\", \\"argss\\":[{ \\"channel\\" : \\"index-tickers\\", \\"instId\\" : \\"BTC-USDT\\"}]}","connId":"a4d3ae55"}',
      { ok: true, events: [], control: { kind: 'error', code: '60012', message: 'Invalid request: {"op": "subscribe", "argss":[{ "channel" : "index-tickers", "instId" : "BTC-USDT"}]}' } },
    ],
    [
      'service upgrade notice',
      '{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}',
      { ok: true, events: [], control: { kind: 'error', code: '64008', message: 'The connection will soon be closed for a service upgrade. Please reconnect.' } },
    ],
    ['mark-price is ignored', '{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{}]}', { ok: true, events: [], control: { kind: 'ignored', what: 'mark-price' } }],
  ];
  itParsesRows(rows, (text) => parse(text, lookup));

  it('reads a delta into flat ticks/lots with the raw strings, seqId and prevSeqId', () => {
    const [ev] = events(parse(book({ asks: [['30000.2', '0', '0', '0']], checksum: -5 }), lookup)) as BookEvent[];
    expect(ev).toEqual({
      kind: 'book.delta', instrument: 'okx:BTC-USDT', tsEvent: 1, tsRecv: 7,
      bids: [300001, 150000000], asks: [300002, 0], raw: { bids: ['30000.1', '1.5'], asks: ['30000.2', '0'] },
      checksum: -5, seq: 2, prevSeq: 1,
    });
  });

  it('parses a funding-rate push (docs shape); fundingTime is when the current rate settles', () => {
    const swap = makeSwap();
    const text = `{"arg":{"channel":"funding-rate","instId":"${swap.symbol}"},"data":[{"fundingRate":"0.0001515","fundingTime":"1622822400000","instId":"${swap.symbol}","instType":"SWAP","method":"next_period","nextFundingRate":"0.00029","nextFundingTime":"1622851200000","ts":"1622822400001"}]}`;
    const [f] = events(parse(text, lookupOf(swap))) as Funding[];
    expect(f).toEqual({ kind: 'funding', instrument: swap.id, tsEvent: 1622822400001, tsRecv: 7, rate: '0.0001515', nextFundingTime: 1622822400000 });
  });

  it('an empty ticker field is left out, not a bad number', () => {
    const [t] = events(parse('{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"30000","bidPx":"","bidSz":"","askPx":"30000.1","askSz":"2","volCcy24h":"1000","ts":"5"}]}', lookup)) as Ticker[];
    expect(t).toMatchObject({ kind: 'ticker', bidPrice: undefined, askPrice: 300001, askQty: 200000000, last: 300000, quoteVolume24h: 1000 });
  });

  it('topics round-trip through the subscribe frame', () => {
    const topics = okxAdapter.topics(makeSwap(), 400);
    expect(topics).toEqual(['books:BTC-USDT-SWAP', 'trades:BTC-USDT-SWAP', 'tickers:BTC-USDT-SWAP', 'funding-rate:BTC-USDT-SWAP']);
    expect(okxAdapter.topics(BTC_USDT_SPOT, 5)).toEqual(['books5:BTC-USDT', 'trades:BTC-USDT', 'tickers:BTC-USDT']);
    expect(okxAdapter.bookTopic(BTC_USDT_SPOT, 1)).toBe('bbo-tbt:BTC-USDT');
    const [frame] = okxAdapter.subscribeFrames(topics, 1);
    expect(JSON.parse(frame!)).toEqual({ op: 'subscribe', args: topics.map(okxTopicArg) });
    expect(okxAdapter.subscribeFrames(Array.from({ length: 250 }, (_, i) => `trades:X-${i}`), 1)).toHaveLength(3);
    expect(okxAdapter.pingFrame()).toBe('ping');
    expect(okxAdapter.connectUrl('wss://ws.okx.com:8443')).toBe('wss://ws.okx.com:8443/ws/v5/public');
    expect(okxAdapter.connectUrl('ws://127.0.0.1:9/ws/v5/public/')).toBe('ws://127.0.0.1:9/ws/v5/public');
  });
});

function makeSwap() {
  return makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', contractSize: '0.01' });
}

describeFixtures('okx parse: fixtures', () => {
  it.each([
    // UNI-USD-SWAP's whole book was thinner than the 400 levels the channel sends at most.
    ['btc-usdt-books-snapshot-and-97-updates-2022-05-13.jsonl', BTC_USDT_SPOT, 97, 400, 400],
    ['uni-usd-swap-books-snapshot-and-92-updates-2022-05-13.jsonl', UNI_USD_SWAP, 92, 121, 119],
  ] as const)('%s: one snapshot then updates, raw strings kept, no seqId (seq = ts)', (file, inst, updates, bidLevels, askLevels) => {
    const evs = fixtureLines('okx', file).map((l) => {
      const e = envelope(l);
      return events(okxAdapter.parse(e.text, e.recvTs, lookupOf(inst)))[0] as BookEvent;
    });
    expect(evs.map((e) => e.kind)).toEqual(['book.snapshot', ...Array<string>(updates).fill('book.delta')]);
    const snap = evs[0]!;
    expect(snap.bids.length / 2).toBe(bidLevels);
    expect(snap.asks.length / 2).toBe(askLevels);
    expect(snap.raw!.asks.length).toBe(snap.asks.length);
    // The exact text survives: price and size strings map back to the ticks/lots read.
    for (let i = 0; i < snap.asks.length; i += 2) expect(inst.price.toInt(snap.raw!.asks[i]!)).toBe(snap.asks[i]);
    for (const e of evs) {
      expect(e.prevSeq).toBeUndefined();
      expect(e.seq).toBe(e.tsEvent);
      expect(typeof e.checksum).toBe('number');
      expect(e.checksum).not.toBe(0);
    }
  });

  it('the UNI-USD-SWAP book is in contracts: sizes are whole lots of 1 contract', () => {
    const e = envelope(fixtureLines('okx', 'uni-usd-swap-books-snapshot-and-92-updates-2022-05-13.jsonl')[0]!);
    const [snap] = events(okxAdapter.parse(e.text, e.recvTs, lookupOf(UNI_USD_SWAP))) as BookEvent[];
    expect(snap!.asks.slice(0, 4)).toEqual([5148, 60, 5149, 192]);
    expect(snap!.raw!.asks.slice(0, 4)).toEqual(['5.148', '60', '5.149', '192']);
  });

  it('trades-tickers: BTC-USDT and UNI-USD-SWAP parse; the BTC-USD-220527 future is an unknown instrument', () => {
    const seen = { trades: 0, tickers: 0, unknown: 0 };
    const lk = lookupOf(BTC_USDT_SPOT, UNI_USD_SWAP);
    for (const line of fixtureLines('okx', 'trades-tickers-2022-05-13.jsonl')) {
      const e = envelope(line);
      const out = okxAdapter.parse(e.text, e.recvTs, lk);
      if (!out.ok) {
        // FUTURES are not in Fleet's OKX universe (SWAP and SPOT only), so no lookup knows them.
        expect(out.problem).toBe('unknown-instrument');
        expect(out.detail).toContain('BTC-USD-220527');
        seen.unknown++;
        continue;
      }
      for (const ev of out.events) seen[ev.kind === 'trade' ? 'trades' : 'tickers']++;
    }
    expect(seen).toEqual({ trades: 70, tickers: 26, unknown: 6 });
  });

  it('a trade keeps the taker side, id, ticks and lots', () => {
    const line = fixtureLines('okx', 'trades-tickers-2022-05-13.jsonl').find((l) => l.includes('"channel":"trades","instId":"UNI-USD-SWAP"'))!;
    const e = envelope(line);
    const [t] = events(okxAdapter.parse(e.text, e.recvTs, lookupOf(UNI_USD_SWAP))) as Trade[];
    expect(t).toEqual({ kind: 'trade', instrument: 'okx:UNI-USD-SWAP', tsEvent: 1652459215150, tsRecv: e.recvTs, tradeId: '12883020', price: 5123, qty: 100, aggressor: 'sell' });
  });

  it('a spot ticker carries best bid/offer in ticks/lots and the quote volume', () => {
    const line = fixtureLines('okx', 'trades-tickers-2022-05-13.jsonl').find((l) => l.includes('"channel":"tickers","instId":"BTC-USDT"'))!;
    const e = envelope(line);
    const [t] = events(okxAdapter.parse(e.text, e.recvTs, lookupOf(BTC_USDT_SPOT))) as Ticker[];
    expect(t).toMatchObject({ kind: 'ticker', tsEvent: 1652459224956, bidPrice: 302286, bidQty: 23393000, askPrice: 302287, askQty: 155896972, last: 302360 });
    expect(t!.quoteVolume24h).toBeCloseTo(525802090.62716611, 2);
  });

  it('docs books snapshot/update: seqId and prevSeqId (snapshot prevSeqId -1), the illustrative checksum', () => {
    const lk = lookupOf(DOCS_BTC_USDT);
    const [snap] = events(parse(fixtureText('okx', 'ws-books-snapshot.docs.json'), lk)) as BookEvent[];
    const [upd] = events(parse(fixtureText('okx', 'ws-books-update.docs.json'), lk)) as BookEvent[];
    expect(snap).toMatchObject({ kind: 'book.snapshot', seq: 123456, prevSeq: -1, checksum: -855196043, tsEvent: 1597026383085 });
    expect(upd).toMatchObject({ kind: 'book.delta', seq: 123457, prevSeq: 123456 });
    expect(snap!.bids.slice(0, 2)).toEqual([847697, 256]);
    expect(snap!.asks.length).toBe(16);
  });

  it('docs bbo-tbt: a whole one-level book with a seqId and no checksum', () => {
    const [ev] = events(parse(fixtureText('okx', 'ws-bbo-tbt.docs.json'), lookupOf(DOCS_BTC_USDT))) as BookEvent[];
    expect(ev).toMatchObject({ kind: 'book.snapshot', seq: 123456, prevSeq: undefined, checksum: undefined, bids: [847697, 256], asks: [847698, 415] });
  });

  it('rest-instruments-swap: linear swaps become specs with ctVal as contract size; the inverse swap is left out', () => {
    const rows = swapRows();
    expect(rows.map((r) => r.instId)).toEqual(['BTC-USD-SWAP', 'ETH-USDT-SWAP', 'BTC-USDT-SWAP']);
    expect(okxInstrumentSpec(rows[0]!)).toBeUndefined();
    expect(okxInstrumentSpec(rows[1]!)).toEqual({
      venue: 'okx', symbol: 'ETH-USDT-SWAP', kind: 'perp', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01', minQty: '0.01',
      contractSize: '0.1', status: 'trading', listedAt: 1573557408000,
    });
    const btc = swapInstruments().find((i) => i.symbol === 'BTC-USDT-SWAP')!;
    expect(btc).toMatchObject({ id: 'okx:BTC-USDT-SWAP', contractSize: '0.01', tickSize: '0.1', lotSize: '0.01' });
    expect(btc.price.toInt('103698.9')).toBe(1036989);
  });

  it('the private orders push (ws-orders-swap-filled) is a known channel the public parser ignores', () => {
    expect(parse(fixtureText('okx', 'ws-orders-swap-filled.json'), lookup)).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'orders' } });
  });
});

describe('okx instrument specs', () => {
  const spot = { instId: 'BTC-USDT', instType: 'SPOT', baseCcy: 'BTC', quoteCcy: 'USDT', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', state: 'live', listTime: '0' };
  it.each([
    ['live spot', spot, { symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', contractSize: '1', status: 'trading', minQty: '0.00001' }],
    ['suspended', { ...spot, state: 'suspend' }, { status: 'halted' }],
    ['pre-open', { ...spot, state: 'preopen', listTime: '1700000000000' }, { status: 'pre-launch', listedAt: 1700000000000 }],
  ])('%s', (_n, row, expected) => {
    expect(okxInstrumentSpec(row)).toMatchObject(expected);
  });
  it.each([
    ['test state', { ...spot, state: 'test' }],
    ['bad tick', { ...spot, tickSz: '0' }],
    ['FUTURES', { ...spot, instType: 'FUTURES' }],
    ['spot without currencies', { ...spot, baseCcy: '' }],
  ])('%s is left out', (_n, row) => {
    expect(okxInstrumentSpec(row)).toBeUndefined();
  });
});
