import { describe, expect, it } from 'vitest';
import { BINANCE_SPOT, BINANCE_USDM } from '../../../src/adapters/binance/constants.ts';
import { snapshotLimit } from '../../../src/adapters/binance/http.ts';
import { binanceSpotAdapter, binanceUsdmAdapter } from '../../../src/adapters/binance/index.ts';
import type { BinanceRestSymbol } from '../../../src/adapters/binance/messages.ts';
import { specOfSymbol, symbolOfTopic } from '../../../src/adapters/binance/symbols.ts';
import { makeInstrument } from '../../../src/model/instrument.ts';
import { lookupOf } from './instruments.ts';

const btc = makeInstrument({ venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001' });
const btcSpot = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' });

describe('binance adapters: shape', () => {
  it('connects to the combined-stream endpoint of the configured base', () => {
    expect(binanceUsdmAdapter.connectUrl(binanceUsdmAdapter.defaultUrls.ws)).toBe('wss://fstream.binance.com/stream');
    expect(binanceSpotAdapter.connectUrl(binanceSpotAdapter.defaultUrls.ws)).toBe('wss://stream.binance.com:9443/stream');
    expect(binanceUsdmAdapter.connectUrl('ws://127.0.0.1:4000/')).toBe('ws://127.0.0.1:4000/stream');
    expect(binanceUsdmAdapter.defaultUrls.rest).toBe('https://fapi.binance.com');
    expect(binanceSpotAdapter.defaultUrls.rest).toBe('https://api.binance.com');
  });

  it('subscribes book, aggTrade, bookTicker (and markPrice@1s on futures), book first', () => {
    expect(binanceUsdmAdapter.topics(btc, 1000)).toEqual(['btcusdt@depth@100ms', 'btcusdt@aggTrade', 'btcusdt@bookTicker', 'btcusdt@markPrice@1s']);
    expect(binanceSpotAdapter.topics(btcSpot, 1000)).toEqual(['btcusdt@depth@100ms', 'btcusdt@aggTrade', 'btcusdt@bookTicker']);
    expect(binanceUsdmAdapter.bookTopic(btc, 20)).toBe('btcusdt@depth@100ms');
    expect(symbolOfTopic('btcusdt@markPrice@1s')).toBe('BTCUSDT');
  });

  it('builds SUBSCRIBE / UNSUBSCRIBE frames split at maxTopicsPerRequest, one id per frame', () => {
    const topics = Array.from({ length: 450 }, (_, i) => `s${i}usdt@aggTrade`);
    const frames = binanceUsdmAdapter.subscribeFrames(topics, 10).map((f) => JSON.parse(f) as { method: string; params: string[]; id: number });
    expect(frames.map((f) => [f.method, f.params.length, f.id])).toEqual([
      ['SUBSCRIBE', 200, 10],
      ['SUBSCRIBE', 200, 11],
      ['SUBSCRIBE', 50, 12],
    ]);
    expect(frames.flatMap((f) => f.params)).toEqual(topics);
    expect(binanceSpotAdapter.unsubscribeFrames(['btcusdt@aggTrade'], 3)).toEqual(['{"method":"UNSUBSCRIBE","params":["btcusdt@aggTrade"],"id":3}']);
    expect(binanceSpotAdapter.subscribeFrames([], 1)).toEqual([]);
  });

  it('limits and sync are the documented ones', () => {
    expect(binanceUsdmAdapter.limits).toMatchObject({ maxTopicsPerConnection: 200, maxFramesPerSecond: 10, pingIntervalMs: 0, connectionLifetimeMs: 86_400_000 });
    expect(binanceSpotAdapter.limits).toMatchObject({ maxTopicsPerConnection: 1024, maxFramesPerSecond: 5, pingIntervalMs: 0, connectionLifetimeMs: 86_400_000 });
    expect([binanceUsdmAdapter.syncRule, binanceSpotAdapter.syncRule]).toEqual(['binance-usdm', 'binance-spot']);
    expect([binanceUsdmAdapter.resync, binanceSpotAdapter.resync]).toEqual(['rest-snapshot', 'rest-snapshot']);
    expect(binanceUsdmAdapter.defaultDepth).toBe(1000);
  });

  it('asks the depth endpoint for the smallest accepted limit that covers the depth', () => {
    expect([5, 6, 50, 400, 1000, 5000].map((d) => snapshotLimit(BINANCE_USDM, d))).toEqual([5, 10, 50, 500, 1000, 1000]);
    expect([20, 100, 101, 1000].map((d) => snapshotLimit(BINANCE_SPOT, d))).toEqual([100, 100, 500, 1000]);
  });

  it('all-market arrays (!markPrice@arr@1s) give one event per known symbol', () => {
    const entry = (s: string) => ({ e: 'markPriceUpdate', E: 1, s, p: '100.10', i: '100.0', P: '100.0', r: '0.0001', T: 2 });
    const text = JSON.stringify({ stream: '!markPrice@arr@1s', data: [entry('BTCUSDT'), entry('OTHERUSDT')] });
    expect(binanceUsdmAdapter.parse(text, 5, lookupOf(btc))).toEqual({
      ok: true,
      events: [{ kind: 'funding', instrument: 'binance-usdm:BTCUSDT', tsEvent: 1, tsRecv: 5, rate: '0.0001', nextFundingTime: 2, markPrice: 1001, indexPrice: 1000 }],
    });
    const broken = JSON.stringify({ stream: '!markPrice@arr@1s', data: [{ ...entry('BTCUSDT'), r: 'x' }] });
    expect(binanceUsdmAdapter.parse(broken, 5, lookupOf(btc))).toMatchObject({ ok: false, problem: 'bad-number' });
  });
});

describe('binance exchangeInfo entries → specs', () => {
  // Entries shaped like the spot docs' exchangeInfo symbols (no spot capture is in the fixtures).
  const spotSym = (over: Partial<BinanceRestSymbol>): BinanceRestSymbol => ({
    symbol: 'ETHBTC',
    status: 'TRADING',
    baseAsset: 'ETH',
    quoteAsset: 'BTC',
    filters: [
      { filterType: 'PRICE_FILTER', tickSize: '0.00001000' },
      { filterType: 'LOT_SIZE', stepSize: '0.00010000', minQty: '0.00010000' },
      { filterType: 'NOTIONAL', minNotional: '0.00010000' },
    ],
    ...over,
  });

  it('spot: NOTIONAL.minNotional, trailing zeros kept as stated, scales exact', () => {
    const spec = specOfSymbol(BINANCE_SPOT, spotSym({}));
    expect(spec).toEqual({ venue: 'binance-spot', symbol: 'ETHBTC', kind: 'spot', base: 'ETH', quote: 'BTC', tickSize: '0.00001000', lotSize: '0.00010000', minQty: '0.00010000', minNotional: '0.00010000', contractSize: '1', status: 'trading' });
    expect(makeInstrument(spec!).price.toInt('0.05123000')).toBe(5123);
  });

  it.each([
    ['BREAK', 'delisted'],
    ['HALT', 'halted'],
    ['PRE_TRADING', 'pre-launch'],
    ['SOMETHING_NEW', 'halted'],
  ])('spot status %s → %s', (status, ours) => {
    expect(specOfSymbol(BINANCE_SPOT, spotSym({ status }))?.status).toBe(ours);
  });

  it('older spot MIN_NOTIONAL.minNotional is read too', () => {
    const filters = [{ filterType: 'PRICE_FILTER', tickSize: '0.01' }, { filterType: 'LOT_SIZE', stepSize: '0.001' }, { filterType: 'MIN_NOTIONAL', minNotional: '10.0' }];
    expect(specOfSymbol(BINANCE_SPOT, spotSym({ filters }))?.minNotional).toBe('10.0');
  });

  it('entries without a usable grid are left out', () => {
    const noTick = [{ filterType: 'PRICE_FILTER', tickSize: '0.00000000' }, { filterType: 'LOT_SIZE', stepSize: '0.001' }];
    expect(specOfSymbol(BINANCE_SPOT, spotSym({ filters: noTick }))).toBeUndefined();
    expect(specOfSymbol(BINANCE_SPOT, spotSym({ filters: [] }))).toBeUndefined();
    expect(specOfSymbol(BINANCE_USDM, spotSym({ contractType: 'CURRENT_QUARTER' }))).toBeUndefined();
    expect(specOfSymbol(BINANCE_USDM, spotSym({ contractType: 'PERPETUAL', status: 'SETTLING' }))?.status).toBe('halted');
  });
});
