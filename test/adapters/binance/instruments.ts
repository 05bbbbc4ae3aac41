/**
 * Instruments for the Binance fixture tests. Where the venue's own instrument list covers a symbol
 * (rest-exchange-info-excerpt: BTCUSDT, ETHUSDT) it is used; elsewhere the grid is chosen fine
 * enough for every price and size in the file, as noted on each one.
 */
import type { VenueId } from '../../../src/config/schema.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import { BINANCE_USDM } from '../../../src/adapters/binance/constants.ts';
import { instrumentsFromSpecs, specsFromExchangeInfo } from '../../../src/adapters/binance/symbols.ts';
import { fixtureJson } from '../../support/fixtures.ts';

/** Returns a lookup over these instruments. */
export function lookupOf(...insts: Instrument[]): InstrumentLookup {
  const m = new Map(insts.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}

/** USD-M instruments from the real exchangeInfo excerpt (2022-02-19). */
export function exchangeInfoInstruments(): Instrument[] {
  return instrumentsFromSpecs(specsFromExchangeInfo(BINANCE_USDM, fixtureJson('binance-usdm', 'rest-exchange-info-excerpt-2022-02-19.json')));
}

/**
 * The docs examples use illustrative prices ("0.0024" for BTCUSDT), so they get an 8-decimal grid
 * for any symbol, fine enough for every number in them.
 */
export function docsLookup(venue: VenueId): InstrumentLookup {
  const kind = venue === 'binance-spot' ? 'spot' : 'perp';
  const cache = new Map<string, Instrument>();
  return (symbol) => {
    let inst = cache.get(symbol);
    if (!inst) {
      inst = makeInstrument({ venue, symbol, kind, base: symbol.slice(0, -4), quote: symbol.slice(-4), tickSize: '0.00000001', lotSize: '0.00000001' });
      cache.set(symbol, inst);
    }
    return inst;
  };
}

/** SUSHIUSDT perp, 2021-07-22 capture: every price has 3 decimals and every size is whole (not in the excerpt). */
export const sushiUsdm = makeInstrument({ venue: 'binance-usdm', symbol: 'SUSHIUSDT', kind: 'perp', base: 'SUSHI', quote: 'USDT', tickSize: '0.001', lotSize: '1' });

/** NKNUSDT spot, 2021-10-11 capture: prices reach 5 decimals (far levels), sizes 1 decimal. */
export const nknSpot = makeInstrument({ venue: 'binance-spot', symbol: 'NKNUSDT', kind: 'spot', base: 'NKN', quote: 'USDT', tickSize: '0.00001', lotSize: '0.1' });

/** ETHUSDT spot, NT live captures: 2-decimal prices, sizes up to 5 decimals. */
export const ethSpot = makeInstrument({ venue: 'binance-spot', symbol: 'ETHUSDT', kind: 'spot', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' });

/** BTCUSDT spot for the depth excerpt (the symbol is not recorded; it is BTC-priced): 0.01 / 0.00001. */
export const btcSpot = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' });
