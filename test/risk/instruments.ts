/** Instruments the risk tests share: a linear perp with a minimum quantity and notional. */
import { makeInstrument } from '../../src/model/instrument.ts';

export const PERP = makeInstrument({
  venue: 'bybit-linear',
  symbol: 'BTCUSDT',
  kind: 'perp',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.10',
  lotSize: '0.001',
  minQty: '0.002',
  minNotional: '5',
});
