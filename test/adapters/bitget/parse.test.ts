import { describe, expect, it } from 'vitest';
import { bitgetAdapter } from '../../../src/adapters/bitget/index.ts';
import { bitgetContractSpec, bitgetSpotSpec, bitgetSymbol, bitgetTopicArg, bitgetWire, shiftDecimal } from '../../../src/adapters/bitget/symbols.ts';
import type { BitgetContract, BitgetSpotSymbol } from '../../../src/adapters/bitget/messages.ts';
import type { ParseOutcome } from '../../../src/adapters/types.ts';
import type { BookEvent, Funding, MarketEvent, Ticker, Trade } from '../../../src/model/market.ts';
import { describeFixtures, envelope, fixtureLines } from '../../support/fixtures.ts';
import { bitgetInstrument, fixtureLookup } from './instruments.ts';
import { itParsesRows, type ParseRow } from '../parseTable.ts';

const lookup = fixtureLookup();
const parse = (text: string): ParseOutcome => bitgetAdapter.parse(text, 7, lookup);

function events(out: ParseOutcome): readonly MarketEvent[] {
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events;
}

/** One word per outcome, for table tests over whole files. */
function summary(out: ParseOutcome): string {
  if (!out.ok) return out.problem;
  if (out.control) return out.control.kind === 'ignored' ? `ignored:${out.control.what}` : out.control.kind;
  return out.events.map((e) => e.kind).join('+');
}

/** Returns the raw message text of a fixture line (enveloped or bare). */
function messageText(line: string): string {
  return line.startsWith('{"recv_ts"') ? envelope(line).text : line;
}

describe('bitget parse: bad input and control frames', () => {
  const book = (data: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
    JSON.stringify({ action: 'update', arg: { instType: 'USDT-FUTURES', channel: 'books', instId: 'AXSUSDT' }, data: [{ asks: [['5.085', '144.6']], bids: [], checksum: 1, ts: '1', ...data }], ts: 2, ...over });
  const trade = (t: Record<string, unknown>) =>
    JSON.stringify({ action: 'update', arg: { instType: 'SPOT', channel: 'trade', instId: 'BTCUSDT' }, data: [{ ts: '1', price: '72389.99', size: '0.001373', side: 'buy', tradeId: '9', ...t }], ts: 2 });
  const rows: ParseRow[] = [
    ['malformed JSON', '{"action":', { problem: 'malformed-json' }],
    ['bare text other than pong', 'ping', { problem: 'malformed-json' }],
    ['not an object', '"x"', { problem: 'unknown-type' }],
    ['neither event nor arg', '{"data":[]}', { problem: 'unknown-type' }],
    ['unknown channel', book({}, { arg: { instType: 'USDT-FUTURES', channel: 'bookz', instId: 'AXSUSDT' } }), { problem: 'unknown-type' }],
    ['unknown event', '{"event":"surprise"}', { problem: 'unknown-type' }],
    ['book without data', book({}, { data: [] }), { problem: 'missing-field' }],
    ['book without instType', book({}, { arg: { channel: 'books', instId: 'AXSUSDT' } }), { problem: 'missing-field' }],
    ['book without action', book({}, { action: undefined }), { problem: 'missing-field' }],
    ['book without asks', book({ asks: undefined }), { problem: 'missing-field' }],
    ['book without ts', book({ ts: undefined }), { problem: 'missing-field' }],
    ['book level not a pair', book({ asks: [['5.085']] }), { problem: 'missing-field' }],
    ['book price as a JSON number (the checksum needs the text)', book({ asks: [[5.085, '1']] }), { problem: 'bad-number' }],
    ['non-numeric price', book({ asks: [['abc', '1']] }), { problem: 'bad-number' }],
    ['price off the 0.001 grid', book({ asks: [['5.0855', '1']] }), { problem: 'bad-number' }],
    ['unknown instrument', book({}, { arg: { instType: 'USDT-FUTURES', channel: 'books', instId: 'NOPEUSDT' } }), { problem: 'unknown-instrument' }],
    ['coin-margined futures are not traded', book({}, { arg: { instType: 'COIN-FUTURES', channel: 'books', instId: 'AXSUSDT' } }), { problem: 'unknown-instrument' }],
    ['the spot name under the futures instType is another instrument', book({}, { arg: { instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDC' } }), { problem: 'unknown-instrument' }],
    ['trade without side', trade({ side: undefined }), { problem: 'missing-field' }],
    ['trade without price', trade({ price: undefined }), { problem: 'missing-field' }],
    ['trade with a text size', trade({ size: 'lots' }), { problem: 'bad-number' }],
    ['pong', 'pong', { ok: true, events: [], control: { kind: 'pong' } }],
    [
      'subscribe ack',
      '{"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}}',
      { ok: true, events: [], control: { kind: 'ack', ok: true, detail: 'subscribe USDT-FUTURES:books:BTCUSDT' } },
    ],
    [
      'venue error frame',
      '{"event":"error","arg":{"instType":"SPOT","channel":"books","instId":"NOPEUSDT"},"code":30001,"msg":"instType:SPOT,channel:books,instId:NOPEUSDT doesn\'t exist","op":"subscribe"}',
      { ok: true, events: [], control: { kind: 'error', code: '30001', message: "instType:SPOT,channel:books,instId:NOPEUSDT doesn't exist" } },
    ],
    ['candles are ignored', '{"action":"snapshot","arg":{"instType":"SPOT","channel":"candle1m","instId":"BTCUSDT"},"data":[]}', { ok: true, events: [], control: { kind: 'ignored', what: 'candle1m' } }],
  ];
  itParsesRows(rows, parse);

  it('topics use the wire name with the instType; spot instruments map back to `_SPBL`', () => {
    const fut = bitgetInstrument('BTCUSDT');
    const spot = bitgetInstrument('BTCUSDT_SPBL');
    expect(bitgetAdapter.topics(fut, 100)).toEqual(['USDT-FUTURES:books:BTCUSDT', 'USDT-FUTURES:trade:BTCUSDT', 'USDT-FUTURES:ticker:BTCUSDT']);
    expect(bitgetAdapter.topics(spot, 15)).toEqual(['SPOT:books15:BTCUSDT', 'SPOT:trade:BTCUSDT', 'SPOT:ticker:BTCUSDT']);
    expect([1, 5, 15, 16].map((d) => bitgetAdapter.bookTopic(fut, d))).toEqual(['USDT-FUTURES:books1:BTCUSDT', 'USDT-FUTURES:books5:BTCUSDT', 'USDT-FUTURES:books15:BTCUSDT', 'USDT-FUTURES:books:BTCUSDT']);
    const [frame] = bitgetAdapter.subscribeFrames(bitgetAdapter.topics(spot, 100), 1);
    expect(JSON.parse(frame!)).toEqual({ op: 'subscribe', args: [{ instType: 'SPOT', channel: 'books', instId: 'BTCUSDT' }, { instType: 'SPOT', channel: 'trade', instId: 'BTCUSDT' }, { instType: 'SPOT', channel: 'ticker', instId: 'BTCUSDT' }] });
    expect(bitgetAdapter.subscribeFrames(Array.from({ length: 120 }, (_, i) => `SPOT:trade:X${i}USDT`), 1)).toHaveLength(3);
    expect(bitgetTopicArg('SPOT:books')).toBeUndefined();
    expect(bitgetWire('ETHUSDT_SPBL')).toEqual({ instType: 'SPOT', instId: 'ETHUSDT' });
    expect([bitgetSymbol('SPOT', 'ETHUSDT'), bitgetSymbol('sp', 'ETHUSDT'), bitgetSymbol('mc', 'ETHUSDT'), bitgetSymbol('COIN-FUTURES', 'ETHUSD')]).toEqual(['ETHUSDT_SPBL', 'ETHUSDT_SPBL', 'ETHUSDT', undefined]);
    expect(bitgetAdapter.pingFrame()).toBe('ping');
    expect(bitgetAdapter.connectUrl('wss://ws.bitget.com')).toBe('wss://ws.bitget.com/v2/ws/public');
  });
});

describe('bitget instrument specs', () => {
  const contract: BitgetContract = {
    symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', pricePlace: '1', priceEndStep: '1', volumePlace: '3', sizeMultiplier: '0.001',
    minTradeNum: '0.001', minTradeUSDT: '5', symbolType: 'perpetual', symbolStatus: 'normal', launchTime: '1585526400000',
  };
  it.each([
    ['1', '1', '0.1'], ['2', '5', '0.05'], ['0', '5', '5'], ['1', '25', '2.5'], ['8', '1', '0.00000001'],
  ])('tick = priceEndStep × 10^-pricePlace: place %s, step %s → %s', (place, step, tick) => {
    expect(shiftDecimal(step, Number(place))).toBe(tick);
    expect(bitgetContractSpec({ ...contract, pricePlace: place, priceEndStep: step })?.tickSize).toBe(tick);
  });
  it('a perpetual contract row', () => {
    expect(bitgetContractSpec(contract)).toEqual({
      venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5',
      contractSize: '1', status: 'trading', listedAt: 1585526400000,
    });
  });
  it.each([
    ['listed', 'pre-launch'], ['maintain', 'halted'], ['limit_open', 'halted'], ['restrictedAPI', 'halted'], ['off', 'delisted'],
  ])('symbolStatus %s → %s', (symbolStatus, status) => {
    expect(bitgetContractSpec({ ...contract, symbolStatus })?.status).toBe(status);
  });
  it('delivery contracts, unknown statuses and bad steps are left out', () => {
    expect(bitgetContractSpec({ ...contract, symbolType: 'delivery' })).toBeUndefined();
    expect(bitgetContractSpec({ ...contract, symbolStatus: 'weird' })).toBeUndefined();
    expect(bitgetContractSpec({ ...contract, priceEndStep: 'x' })).toBeUndefined();
    expect(bitgetContractSpec({ ...contract, sizeMultiplier: '0' })).toBeUndefined();
  });
  const spot: BitgetSpotSymbol = {
    symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', minTradeAmount: '0', pricePrecision: '2', quantityPrecision: '6', minTradeUSDTAmount: '1', status: 'online', openTime: '1532454360000',
  };
  it('a spot row becomes the `_SPBL` instrument; a zero minimum amount means the lot', () => {
    expect(bitgetSpotSpec(spot)).toEqual({
      venue: 'bitget', symbol: 'BTCUSDT_SPBL', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.000001', minNotional: '1',
      contractSize: '1', status: 'trading', listedAt: 1532454360000,
    });
    expect(bitgetSpotSpec({ ...spot, minTradeUSDTAmount: undefined, minTradeUSDT: '5', status: 'gray' })).toMatchObject({ minNotional: '5', status: 'pre-launch' });
    expect(bitgetSpotSpec({ ...spot, pricePrecision: 'x' })).toBeUndefined();
    expect(bitgetSpotSpec({ ...spot, status: 'offline' })?.status).toBe('delisted');
  });
});

describeFixtures('bitget parse: fixtures', () => {
  const table: [string, string[]][] = [
    ['v2-usdt-futures-live-messages-2024-10-31.jsonl', ['ack', 'ack', 'unknown-instrument', 'book.snapshot', 'book.delta', 'book.snapshot', 'ack', 'ticker+funding', 'unknown-instrument', 'book.snapshot', 'book.snapshot']],
    ['v2-spot-live-messages-2024-10-31.jsonl', ['trade', 'ack', 'ignored:trade snapshot (recent history)', 'trade', 'ack', 'book.snapshot', 'book.delta', 'book.snapshot', 'book.snapshot']],
    [
      'v3-uta-live-messages-2026-04-28.jsonl',
      ['trade', 'ignored:publicTrade snapshot (recent history)', 'book.snapshot', 'book.delta', 'book.snapshot', 'ticker+funding', 'ignored:liquidation', 'trade', 'ignored:publicTrade snapshot (recent history)', 'book.snapshot', 'book.delta', 'book.snapshot'],
    ],
    [
      'mix-v1-trade-ticker-2022-04-07.jsonl',
      ['ignored:trade snapshot (recent history)', 'ticker+funding', 'ignored:trade snapshot (recent history)', ...Array<string>(5).fill('ticker+funding'), ...Array<string>(25).fill('trade')],
    ],
  ];
  it.each(table)('%s: every line parses to what it is', (file, expected) => {
    // The unknown instruments are COIN-FUTURES (DOGEUSD, BTCUSDZ24): not in Fleet's Bitget universe.
    expect(fixtureLines('bitget', file).map((l) => summary(parse(messageText(l))))).toEqual(expected);
  });

  it('v1 books: 46 messages with their checksums and the exact strings ("6.40")', () => {
    const evs = fixtureLines('bitget', 'mix-v1-dashusdt-books-snapshot-and-45-updates-2022-04-07.jsonl').map((l) => events(parse(messageText(l)))[0] as BookEvent);
    expect(evs.map((e) => e.kind)).toEqual(['book.snapshot', ...Array<string>(45).fill('book.delta')]);
    expect(evs[0]).toMatchObject({ instrument: 'bitget:DASHUSDT', checksum: -139104234, seq: 1649290077548, prevSeq: undefined });
    expect(evs[0]!.asks.slice(0, 2)).toEqual([11342, 640]);
    expect(evs[0]!.raw!.asks.slice(0, 2)).toEqual(['113.42', '6.40']);
  });

  it('v2 futures: books snapshot/update (checksum, no seq), ticker → ticker + funding', () => {
    const lines = fixtureLines('bitget', 'v2-usdt-futures-live-messages-2024-10-31.jsonl');
    const [snap] = events(parse(lines[3]!)) as BookEvent[];
    expect(snap).toEqual({
      kind: 'book.snapshot', instrument: 'bitget:BELUSDT', tsEvent: 1730332800303, tsRecv: 7, bids: [5420, 468, 5419, 1576], asks: [5426, 51],
      raw: { bids: ['0.5420', '468', '0.5419', '1576'], asks: ['0.5426', '51'] }, checksum: 0, seq: 1730332800303, prevSeq: undefined,
    });
    const [upd] = events(parse(lines[4]!)) as BookEvent[];
    expect(upd).toMatchObject({ kind: 'book.delta', instrument: 'bitget:AXSUSDT', checksum: -1258619028, asks: [5085, 1446], bids: [5081, 5362] });
    const [ticker, funding] = events(parse(lines[7]!)) as [Ticker, Funding];
    expect(ticker).toEqual({
      kind: 'ticker', instrument: 'bitget:STORJUSDT', tsEvent: 1730332823155, tsRecv: 7, bidPrice: 4705, bidQty: 13673, askPrice: 4708, askQty: 25353, last: 4706,
      quoteVolume24h: 1355483.45089, openInterest: 8572031.1,
    });
    // indexPrice 0.47080586 is finer than the 0.0001 tick: kept as fractional ticks (a computed price).
    expect(funding).toMatchObject({ kind: 'funding', instrument: 'bitget:STORJUSDT', tsEvent: 1730332823155, tsRecv: 7, rate: '0.0001', nextFundingTime: 1730361600000, markPrice: 4705 });
    expect(funding.indexPrice).toBeCloseTo(4708.0586, 6);
  });

  it('v2 spot: a trade keeps the taker side and id; the same name under SPOT is the `_SPBL` instrument', () => {
    const [t] = events(parse(fixtureLines('bitget', 'v2-spot-live-messages-2024-10-31.jsonl')[0]!)) as Trade[];
    expect(t).toEqual({ kind: 'trade', instrument: 'bitget:BTCUSDT_SPBL', tsEvent: 1730332858796, tsRecv: 7, tradeId: '1235671058980749319', price: 7238999, qty: 1373, aggressor: 'buy' });
  });

  it('v3: books carry seq and (on updates) pseq → prevSeq; the ticker has funding', () => {
    const lines = fixtureLines('bitget', 'v3-uta-live-messages-2026-04-28.jsonl');
    const [snap] = events(parse(lines[2]!)) as BookEvent[];
    expect(snap).toMatchObject({ kind: 'book.snapshot', instrument: 'bitget:BTCUSDT', seq: 483814309734, prevSeq: undefined, bids: [767428, 28986, 767427, 1] });
    const [upd] = events(parse(lines[3]!)) as BookEvent[];
    expect(upd).toMatchObject({ kind: 'book.delta', seq: 483415085712, prevSeq: 483415077719, checksum: -431745958 });
    const [spotUpd] = events(parse(lines[10]!)) as BookEvent[];
    expect(spotUpd).toMatchObject({ instrument: 'bitget:BTCUSDT_SPBL', seq: 451057502090, prevSeq: 451057497631 });
    const [ticker, funding] = events(parse(lines[5]!)) as [Ticker, Funding];
    expect(ticker).toMatchObject({ bidPrice: 766312, askPrice: 766313, bidQty: 9608, askQty: 95716, last: 766313, quoteVolume24h: 2914473798.93323, openInterest: 29539.3825, tsEvent: 1777358880084 });
    expect(funding).toMatchObject({ rate: '-0.00003', nextFundingTime: 1777363200000, markPrice: 766313 });
    const [trade] = events(parse(lines[0]!)) as Trade[];
    expect(trade).toMatchObject({ tradeId: '1432912492051054592', price: 766313, qty: 100, aggressor: 'buy', tsEvent: 1777358881008 });
  });

  it('v1 mix: trades without ids get one from their content; the ticker funding uses capitalRate/nextSettleTime', () => {
    const lines = fixtureLines('bitget', 'mix-v1-trade-ticker-2022-04-07.jsonl');
    const trades = lines.slice(8).flatMap((l) => events(parse(messageText(l)))) as Trade[];
    expect(trades).toHaveLength(25);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(25);
    const dash = trades.find((t) => t.instrument === 'bitget:DASHUSDT' && t.tsEvent === 1649290104884)!;
    expect(dash).toMatchObject({ price: 11337, qty: 95, aggressor: 'buy', tradeId: '1649290104884:113.37:0.95:buy' });
    const [ticker, funding] = events(parse(messageText(lines[1]!))) as [Ticker, Funding];
    expect(ticker).toMatchObject({ instrument: 'bitget:DASHUSDT', last: 11337, bidPrice: 11336, askPrice: 11341, bidQty: undefined, tsEvent: 1649290077309 });
    // markPrice 113.381 and indexPrice 113.427 are finer than the 0.01 tick: fractional ticks.
    expect(funding).toMatchObject({ kind: 'funding', instrument: 'bitget:DASHUSDT', tsEvent: 1649290077309, tsRecv: 7, rate: '-0.000100', nextFundingTime: 1649314800000 });
    expect(funding.markPrice).toBeCloseTo(11338.1, 6);
    expect(funding.indexPrice).toBeCloseTo(11342.7, 6);
  });
});
