import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binanceSpotAdapter, binanceUsdmAdapter } from '../../../src/adapters/binance/index.ts';
import { parsePremiumIndex, parseRestDepth } from '../../../src/adapters/binance/parse.ts';
import { makeInstrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { MarketEvent } from '../../../src/model/market.ts';
import type { ParseOutcome } from '../../../src/adapters/types.ts';
import { describeFixtures, envelope, fixtureJson, fixtureLines, fixtureText } from '../../support/fixtures.ts';
import { btcSpot, docsLookup, ethSpot, exchangeInfoInstruments, lookupOf, nknSpot, sushiUsdm } from './instruments.ts';

const TS = 1_700_000_000_000;
const usdmDocs = docsLookup('binance-usdm');
const spotDocs = docsLookup('binance-spot');

function events(out: ParseOutcome): readonly MarketEvent[] {
  if (!out.ok) throw new Error(`parse failed: ${out.problem} ${out.detail}`);
  return out.events;
}

/** Wraps a payload as a combined-stream frame, as `/stream` delivers it. */
const combined = (stream: string, data: string): string => `{"stream":"${stream}","data":${data}}`;

describeFixtures('binance parse: fixture table', () => {
  const usdm = (file: string) => fixtureText('binance-usdm', file);
  const spot = (file: string) => fixtureText('binance-spot', file);

  const table: { name: string; parse: () => ParseOutcome; expected: object[] }[] = [
    {
      name: 'usdm ws-depth-update (docs): U/u/pu → firstSeq/seq/prevSeq',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-depth-update.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'book.delta', instrument: 'binance-usdm:BTCUSDT', tsEvent: 123456789, tsRecv: TS, seq: 160, firstSeq: 157, prevSeq: 149, bids: [240000, 1_000_000_000], asks: [260000, 10_000_000_000] }],
    },
    {
      name: 'usdm ws-partial-depth-update (docs), raw: a delta like any depthUpdate',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-partial-depth-update.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'book.delta', seq: 390497878, firstSeq: 390497796, prevSeq: 390497794, bids: [740389000000, 200000, 740390000000, 390600000, 740400000000, 142800000, 740485000000, 523900000, 740543000000, 256200000] }],
    },
    {
      name: 'usdm ws-partial-depth-update (docs) on a @depth5 stream: a top-5 snapshot',
      parse: () => binanceUsdmAdapter.parse(combined('btcusdt@depth5@100ms', usdm('ws-partial-depth-update.docs.json')), TS, usdmDocs),
      expected: [{ kind: 'book.snapshot', instrument: 'binance-usdm:BTCUSDT', seq: 390497878, tsEvent: 1571889248277 }],
    },
    {
      name: 'usdm ws-agg-trade (docs): m=true → the aggressor sold',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-agg-trade.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'trade', instrument: 'binance-usdm:BTCUSDT', tradeId: '5933014', price: 100000, qty: 10_000_000_000, aggressor: 'sell', tsEvent: 123456785 }],
    },
    {
      name: 'usdm ws-book-ticker (docs): updateId = u',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-book-ticker.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'ticker', instrument: 'binance-usdm:BNBUSDT', updateId: 400900217, bidPrice: 2535190000, bidQty: 3121000000, askPrice: 2536520000, askQty: 4066000000, tsEvent: 1568014460893 }],
    },
    {
      name: 'usdm ws-mark-price-update (docs) → funding',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-mark-price-update.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'funding', instrument: 'binance-usdm:BTCUSDT', rate: '0.00038167', nextFundingTime: 1562306400000, markPrice: 1179415000000, indexPrice: 1178462659091, tsEvent: 1562305380000 }],
    },
    {
      name: 'usdm ws-24hr-ticker (docs) → last and quote volume',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-24hr-ticker.docs.json'), TS, usdmDocs),
      expected: [{ kind: 'ticker', last: 1658460000000, quoteVolume24h: 2036102085.697464, tsEvent: 1672515782136 }],
    },
    {
      name: 'usdm ws-force-order (docs): known, not used',
      parse: () => binanceUsdmAdapter.parse(usdm('ws-force-order.docs.json'), TS, usdmDocs),
      expected: [],
    },
    {
      name: 'spot ws-trade (LIVE, combined): t → tradeId, m=true → sell',
      parse: () => binanceSpotAdapter.parse(spot('ws-trade-2021-12-12.json'), TS, lookupOf(ethSpot)),
      expected: [{ kind: 'trade', instrument: 'binance-spot:ETHUSDT', tradeId: '705291099', price: 414974, qty: 43870, aggressor: 'sell', tsEvent: 1639351062243 }],
    },
    {
      name: 'spot ws-agg-trade (LIVE, combined): m=false → buy',
      parse: () => binanceSpotAdapter.parse(spot('ws-agg-trade-2023-02-07.json'), TS, lookupOf(ethSpot)),
      expected: [{ kind: 'trade', tradeId: '226532', price: 163246, qty: 34305, aggressor: 'buy', tsEvent: 1675759520847 }],
    },
    {
      name: 'spot ws-book-ticker (LIVE, combined, no event type)',
      parse: () => binanceSpotAdapter.parse(spot('ws-book-ticker-2022-03-02.json'), TS, lookupOf(ethSpot)),
      expected: [{ kind: 'ticker', instrument: 'binance-spot:ETHUSDT', updateId: 12711621188, bidPrice: 450724, bidQty: 235950, askPrice: 450725, askQty: 284570, tsEvent: 1646199228123 }],
    },
    {
      name: 'spot ws-book-ticker payload alone (raw stream): recognised by its shape',
      parse: () => binanceSpotAdapter.parse(JSON.stringify(fixtureJson<{ data: unknown }>('binance-spot', 'ws-book-ticker-2022-03-02.json').data), TS, lookupOf(ethSpot)),
      expected: [{ kind: 'ticker', updateId: 12711621188, bidPrice: 450724 }],
    },
    {
      name: 'spot ws-depth-update (docs): no pu, so no prevSeq',
      parse: () => binanceSpotAdapter.parse(spot('ws-depth-update.docs.json'), TS, spotDocs),
      expected: [{ kind: 'book.delta', instrument: 'binance-spot:BNBBTC', seq: 160, firstSeq: 157, bids: [240000, 1_000_000_000], asks: [260000, 10_000_000_000] }],
    },
    {
      name: 'spot ws-trade (docs)',
      parse: () => binanceSpotAdapter.parse(spot('ws-trade.docs.json'), TS, spotDocs),
      expected: [{ kind: 'trade', instrument: 'binance-spot:BNBBTC', tradeId: '12345', price: 100000, qty: 10_000_000_000, aggressor: 'sell' }],
    },
    {
      name: 'spot partial depth on a @depth20 stream (the REST excerpt has the same shape)',
      parse: () => binanceSpotAdapter.parse(combined('btcusdt@depth20@100ms', spot('rest-depth-excerpt.json')), TS, lookupOf(btcSpot)),
      expected: [{ kind: 'book.snapshot', instrument: 'binance-spot:BTCUSDT', seq: 14527958487, tsEvent: TS }],
    },
  ];

  it.each(table)('$name', ({ parse, expected }) => {
    const evs = events(parse());
    expect(evs).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(evs[i]).toMatchObject(e));
  });

  it('delta without pu carries no prevSeq key at all (spot)', () => {
    const [ev] = events(binanceSpotAdapter.parse(spot('ws-depth-update.docs.json'), TS, spotDocs));
    expect(ev).not.toHaveProperty('prevSeq');
  });

  it('a known unused event is a counted ignore, not an error', () => {
    const out = binanceUsdmAdapter.parse(usdm('ws-force-order.docs.json'), TS, usdmDocs);
    expect(out).toEqual({ ok: true, events: [], control: { kind: 'ignored', what: 'forceOrder' } });
  });

  it('mark and index finer than the tick stay fractional ticks, not rounded (real BTCUSDT 0.10 grid)', () => {
    const [ev] = events(binanceUsdmAdapter.parse(usdm('ws-mark-price-update.docs.json'), TS, lookupOf(...exchangeInfoInstruments())));
    expect(ev).toMatchObject({ kind: 'funding', rate: '0.00038167' });
    expect((ev as { markPrice: number }).markPrice).toBeCloseTo(117941.5, 6);
    expect((ev as { indexPrice: number }).indexPrice).toBeCloseTo(117846.2659091, 6);
  });

  it('REST depth (usdm docs): lastUpdateId → seq, E → tsEvent', () => {
    const inst = usdmDocs('BTCUSDT')!;
    const out = parseRestDepth(fixtureJson('binance-usdm', 'rest-depth.docs.json'), inst, TS);
    expect(out).toEqual({
      ok: true,
      value: { kind: 'book.snapshot', instrument: 'binance-usdm:BTCUSDT', tsEvent: 1589436922972, tsRecv: TS, bids: [400000000, 43100000000], asks: [400000200, 1200000000], seq: 1027024 },
    });
  });

  it('REST depth (spot excerpt, LIVE): 10 levels a side, no venue time', () => {
    const out = parseRestDepth(fixtureJson('binance-spot', 'rest-depth-excerpt.json'), btcSpot, TS);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.seq).toBe(14527958487);
    expect(out.value.tsEvent).toBe(TS);
    expect(out.value.bids).toHaveLength(20);
    expect(out.value.bids.slice(0, 2)).toEqual([6065000, 213]);
    expect(out.value.asks.slice(0, 2)).toEqual([6065001, 61982]);
  });

  it('REST premium index (docs) → funding', () => {
    const out = parsePremiumIndex(fixtureJson('binance-usdm', 'rest-premium-index.docs.json'), TS, usdmDocs);
    expect(out).toEqual({
      ok: true,
      value: [{ kind: 'funding', instrument: 'binance-usdm:BTCUSDT', tsEvent: 1597370495002, tsRecv: TS, rate: '0.00038246', nextFundingTime: 1597392000000, markPrice: 1179363104562, indexPrice: 1178180495970 }],
    });
  });

  it('REST premium index list: symbols we do not know are skipped', () => {
    const one = fixtureJson<Record<string, unknown>>('binance-usdm', 'rest-premium-index.docs.json');
    const out = parsePremiumIndex([one, { ...one, symbol: 'NOPEUSDT' }], TS, lookupOf(...exchangeInfoInstruments()));
    expect(out.ok && out.value.map((f) => f.instrument)).toEqual(['binance-usdm:BTCUSDT']);
  });

  it('exchangeInfo (LIVE excerpt): perpetuals with tick, lot, minimums, status; the dated future is left out', () => {
    const insts = exchangeInfoInstruments();
    expect(insts.map((i) => i.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(insts[0]).toMatchObject({
      id: 'binance-usdm:BTCUSDT',
      venue: 'binance-usdm',
      kind: 'perp',
      base: 'BTC',
      quote: 'USDT',
      tickSize: '0.10',
      lotSize: '0.001',
      minQty: '0.001',
      minNotional: '10',
      status: 'trading',
      listedAt: 1569398400000,
    });
    expect(insts[0]!.price.toInt('38000.10')).toBe(380001);
    expect(insts[1]).toMatchObject({ tickSize: '0.01', lotSize: '0.001', minNotional: '10' });
  });
});

describeFixtures('binance parse: whole captures', () => {
  it('usdm bookTicker/aggTrade/kline capture: 305 tickers, 40 trades, 22 klines ignored', () => {
    const lookup = lookupOf(sushiUsdm);
    const counts: Record<string, number> = {};
    for (const line of fixtureLines('binance-usdm', 'sushiusdt-bookticker-aggtrade-kline-2021-07-22.jsonl')) {
      const env = envelope(line);
      const out = binanceUsdmAdapter.parse(env.text, env.recvTs, lookup);
      expect(out.ok, env.text).toBe(true);
      if (!out.ok) continue;
      const key = out.events[0]?.kind ?? out.control?.kind ?? 'none';
      counts[key] = (counts[key] ?? 0) + 1;
      const data = (JSON.parse(env.text) as { data: { m?: boolean; e: string } }).data;
      if (data.e === 'aggTrade') expect(out.events[0]).toMatchObject({ aggressor: data.m ? 'sell' : 'buy' });
    }
    expect(counts).toEqual({ ticker: 305, trade: 40, ignored: 22 });
  });

  it('usdm depth capture: every diff is a delta carrying U/u/pu', () => {
    let n = 0;
    for (const line of fixtureLines('binance-usdm', 'sushiusdt-depth-snapshot-and-diffs-2021-07-22.jsonl')) {
      const env = envelope(line);
      if (env.source !== 'ws') continue;
      const [ev] = events(binanceUsdmAdapter.parse(env.text, env.recvTs, lookupOf(sushiUsdm)));
      expect(ev).toMatchObject({ kind: 'book.delta', instrument: 'binance-usdm:SUSHIUSDT' });
      expect(typeof (ev as { prevSeq?: number }).prevSeq).toBe('number');
      n++;
    }
    expect(n).toBe(255);
  });

  it('spot capture: 150 deltas, 74 tickers, 1 trade, 1 kline ignored', () => {
    const counts: Record<string, number> = {};
    for (const line of fixtureLines('binance-spot', 'nknusdt-depth-snapshot-and-diffs-2021-10-11.jsonl')) {
      const env = envelope(line);
      if (env.source !== 'ws') continue;
      const out = binanceSpotAdapter.parse(env.text, env.recvTs, lookupOf(nknSpot));
      expect(out.ok, env.text).toBe(true);
      if (!out.ok) continue;
      const key = out.events[0]?.kind ?? out.control?.kind ?? 'none';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({ 'book.delta': 150, ticker: 74, trade: 1, ignored: 1 });
  });

  it('never throws on any fixture message, cut anywhere (user-data events included)', () => {
    const texts: string[] = [];
    for (const venue of ['binance-usdm', 'binance-spot']) {
      for (const file of ['user-account-update.docs.json', 'user-order-trade-update-new.docs.json', 'user-trade-lite.testnet-capture.json', 'user-execution-report-new.docs.json', 'ws-agg-trade.docs.json', 'ws-trade-2021-12-12.json']) {
        try {
          texts.push(fixtureText(venue, file));
        } catch {
          // not every file exists in both folders
        }
      }
    }
    const lookup = lookupOf(...exchangeInfoInstruments(), ethSpot);
    for (const t of texts) {
      const whole = binanceUsdmAdapter.parse(t, TS, lookup);
      expect(whole.ok === false || whole.events.length <= 1).toBe(true);
      for (let cut = 0; cut < t.length; cut += 7) expect(() => binanceUsdmAdapter.parse(t.slice(0, cut), TS, lookup)).not.toThrow();
    }
    expect(binanceUsdmAdapter.parse(fixtureText('binance-usdm', 'user-account-update.docs.json'), TS, lookup)).toMatchObject({ ok: false, problem: 'unknown-type' });
  });
});

describe('binance parse: bad input and control frames', () => {
  // BTCUSDT on the 0.10 / 0.001 grid the real exchangeInfo lists, independent of the fixtures folder.
  const btcUsdm = makeInstrument({ venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001' });
  const lookup: InstrumentLookup = lookupOf(btcUsdm);
  const depth = (over: Record<string, unknown>) => JSON.stringify({ e: 'depthUpdate', E: 1, T: 1, s: 'BTCUSDT', U: 10, u: 12, pu: 9, b: [['100.0', '1.000']], a: [['100.1', '2.000']], ...over });

  const problems: [string, string, string][] = [
    ['malformed JSON', '{"stream":"btcusdt@aggTrade","data":', 'malformed-json'],
    ['JSON array', '[1,2]', 'unknown-type'],
    ['JSON null', 'null', 'unknown-type'],
    ['JSON number', '42', 'unknown-type'],
    ['unknown event type', '{"e":"somethingNew","E":1,"s":"BTCUSDT"}', 'unknown-type'],
    ['payload without event type', '{"stream":"btcusdt@whatever","data":{"x":1}}', 'unknown-type'],
    ['depth without u', depth({ u: undefined }), 'missing-field'],
    ['depth with u as a string', depth({ u: '12' }), 'missing-field'],
    ['depth bids not a list', depth({ b: 'x' }), 'missing-field'],
    ['depth level of one element', depth({ b: [['100.0']] }), 'missing-field'],
    ['depth level with numbers, not strings', depth({ a: [[100.1, 2]] }), 'missing-field'],
    ['non-numeric price', depth({ b: [['abc', '1.000']] }), 'bad-number'],
    ['off-grid price (100.05 on 0.10)', depth({ b: [['100.05', '1.000']] }), 'bad-number'],
    ['negative size', depth({ a: [['100.1', '-1']] }), 'bad-number'],
    ['exponent notation', depth({ a: [['1e2', '1']] }), 'bad-number'],
    ['unknown instrument', depth({ s: 'NOPEUSDT' }), 'unknown-instrument'],
    ['aggTrade without m', '{"e":"aggTrade","E":1,"a":1,"s":"BTCUSDT","p":"100.0","q":"1.000","f":1,"l":1,"T":1}', 'missing-field'],
    ['aggTrade off-grid size', '{"e":"aggTrade","E":1,"a":1,"s":"BTCUSDT","p":"100.0","q":"0.0001","f":1,"l":1,"T":1,"m":true}', 'bad-number'],
    ['bookTicker non-numeric size', '{"e":"bookTicker","u":5,"s":"BTCUSDT","b":"100.0","B":"x","a":"100.1","A":"1.000"}', 'bad-number'],
    ['bookTicker without u', '{"e":"bookTicker","s":"BTCUSDT","b":"100.0","B":"1.000","a":"100.1","A":"1.000"}', 'missing-field'],
    ['markPrice non-numeric rate', '{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"100.0","i":"100.0","P":"100.0","r":"abc","T":2}', 'bad-number'],
    ['markPrice non-numeric mark', '{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"n/a","i":"100.0","P":"100.0","r":"0.0001","T":2}', 'bad-number'],
    ['trade unknown instrument', '{"e":"trade","E":1,"s":"NOPE","t":1,"p":"1","q":"1","T":1,"m":true}', 'unknown-instrument'],
  ];

  it.each(problems)('%s → %s', (_name, text, problem) => {
    const out = binanceUsdmAdapter.parse(text, TS, lookup);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.problem).toBe(problem);
      expect(out.detail.length).toBeGreaterThan(0);
    }
  });

  const controls: [string, string, object][] = [
    ['SUBSCRIBE ack', '{"result":null,"id":7}', { kind: 'ack', ok: true, detail: 'id=7' }],
    ['LIST_SUBSCRIPTIONS answer', '{"result":["btcusdt@aggTrade"],"id":3}', { kind: 'ack', ok: true }],
    ['flat error frame', '{"code":2,"msg":"Invalid request: request ID must be an unsigned integer","id":null}', { kind: 'error', code: '2' }],
    ['nested error frame', '{"error":{"code":2,"msg":"Invalid request: unknown variant SUBSCRIBEX"},"id":4}', { kind: 'error', code: '2', message: 'Invalid request: unknown variant SUBSCRIBEX (id=4)' }],
    ['spot serverShutdown', '{"e":"serverShutdown","E":1700000000000}', { kind: 'error', code: 'serverShutdown' }],
    ['kline', '{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT","k":{}}}', { kind: 'ignored', what: 'kline' }],
    ['markPrice of a delivery contract (no funding)', '{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"100.0","i":"100.0","P":"100.0","r":"","T":0}', { kind: 'ignored' }],
  ];

  it.each(controls)('%s → control, no events', (_name, text, control) => {
    const out = binanceUsdmAdapter.parse(text, TS, lookup);
    expect(out).toMatchObject({ ok: true, events: [], control });
  });

  it('there is no app-level ping or pong: the ws library answers protocol pings', () => {
    expect(binanceUsdmAdapter.pingFrame()).toBeUndefined();
    expect(binanceSpotAdapter.pingFrame()).toBeUndefined();
    expect(binanceUsdmAdapter.limits.pingIntervalMs).toBe(0);
  });

  it('never throws on arbitrary JSON or text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        const out = binanceUsdmAdapter.parse(text, TS, lookup);
        return typeof out.ok === 'boolean';
      }),
      { numRuns: 500 },
    );
    // Shapes close to real frames, with every field of any JSON type.
    const field = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.array(fc.string(), { maxLength: 3 }), { maxLength: 3 }), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom('depthUpdate', 'aggTrade', 'trade', 'bookTicker', 'markPriceUpdate', '24hrTicker'), fc.dictionary(fc.constantFrom('E', 'T', 's', 'U', 'u', 'pu', 'b', 'a', 'B', 'A', 'p', 'q', 'm', 'r', 'i', 't', 'c'), field), (e, rest) => {
        const out = binanceUsdmAdapter.parse(JSON.stringify({ ...rest, e, s: 'BTCUSDT' }), TS, lookup);
        return typeof out.ok === 'boolean';
      }),
      { numRuns: 1000 },
    );
  });
});
