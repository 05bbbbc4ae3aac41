/**
 * Instruments for the Bitget fixture tests. No Bitget instrument list is among the fixtures, so
 * each symbol gets a grid fine enough for every price and size its files hold (Bitget's real grid
 * where the file shows it, e.g. DASHUSDT 0.01 / 0.01). The names follow Fleet's rule: futures keep
 * the native name, spot pairs carry `_SPBL` (src/adapters/bitget/symbols.ts).
 */
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';

const GRID: Record<string, readonly [tick: string, lot: string]> = {
  // USDT-FUTURES (v1 `mc`, v2, v3 usdt-futures)
  DASHUSDT: ['0.01', '0.01'],
  UNIUSDT: ['0.001', '0.01'],
  LTCUSDT: ['0.01', '0.1'],
  BELUSDT: ['0.0001', '1'],
  AXSUSDT: ['0.001', '0.1'],
  ADAUSDT: ['0.0001', '1'],
  STORJUSDT: ['0.0001', '0.1'],
  AQTUSDT: ['0.0001', '0.01'],
  YGGUSDT: ['0.00001', '0.0001'],
  BTCUSDT: ['0.1', '0.0001'],
  // SPOT
  BTCUSDT_SPBL: ['0.01', '0.000001'],
  BTCUSDC_SPBL: ['0.01', '0.00001'],
  SNEKUSDT_SPBL: ['0.0000001', '0.01'],
  RENDERUSDT_SPBL: ['0.001', '0.01'],
  BRETTUSDT_SPBL: ['0.00001', '0.01'],
  LMWRUSDT_SPBL: ['0.00001', '0.01'],
  MANTAUSDT_SPBL: ['0.0001', '0.01'],
};

/** Returns the test instrument of a Fleet symbol. */
export function bitgetInstrument(symbol: string): Instrument {
  const grid = GRID[symbol];
  if (!grid) throw new Error(`no test grid for ${symbol}`);
  const spot = symbol.endsWith('_SPBL');
  const name = spot ? symbol.slice(0, -5) : symbol;
  const quote = name.endsWith('USDC') ? 'USDC' : 'USDT';
  return makeInstrument({ venue: 'bitget', symbol, kind: spot ? 'spot' : 'perp', base: name.slice(0, -quote.length), quote, tickSize: grid[0], lotSize: grid[1] });
}

/** Returns a lookup knowing every fixture symbol. */
export function fixtureLookup(): InstrumentLookup {
  const m = new Map(Object.keys(GRID).map((s) => [s, bitgetInstrument(s)]));
  return (s) => m.get(s);
}
