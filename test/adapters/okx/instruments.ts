/**
 * Instruments for the OKX fixture tests. The SWAP ones come from the venue's own instrument list
 * (rest-instruments-swap.json) through okxInstrumentSpec. The 2022 captures' instruments are not
 * in it, so they are built by hand with OKX's real grid for them, which is fine enough for every
 * price and size in the files: BTC-USDT spot tick 0.1 / lot 0.00000001; UNI-USD-SWAP tick 0.001 /
 * lot 1 contract (an inverse swap: Fleet's universe leaves those out, see symbols.ts, but the
 * capture is still a valid OKX book). The docs examples use illustrative two-decimal prices, so
 * their BTC-USDT gets tick 0.01 / lot 1.
 */
import { okxInstrumentSpec } from '../../../src/adapters/okx/symbols.ts';
import type { OkxInstrument, OkxRestResponse } from '../../../src/adapters/okx/messages.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import { fixtureJson } from '../../support/fixtures.ts';

/** Returns a lookup over these instruments. */
export function lookupOf(...insts: Instrument[]): InstrumentLookup {
  const m = new Map(insts.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}

export const BTC_USDT_SPOT = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.00000001' });
export const UNI_USD_SWAP = makeInstrument({ venue: 'okx', symbol: 'UNI-USD-SWAP', kind: 'perp', base: 'UNI', quote: 'USD', tickSize: '0.001', lotSize: '1' });
export const DOCS_BTC_USDT = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '1' });

/** Returns the instrument rows of the SWAP list fixture. */
export function swapRows(): OkxInstrument[] {
  return fixtureJson<OkxRestResponse<OkxInstrument[]>>('okx', 'rest-instruments-swap.json').data;
}

/** Returns the SWAP instruments Fleet builds from the list fixture (linear ones only). */
export function swapInstruments(): Instrument[] {
  return swapRows()
    .map(okxInstrumentSpec)
    .filter((s) => s !== undefined)
    .map(makeInstrument);
}
