/** Shared setup for the matching engine tests: instruments, an engine with a clock, and event capture. */
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimAccountEvent, SimOrderRequest } from '../../../src/sim/matching/types.ts';

export const SPOT: InstrumentSpec = { venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minQty: '0.002', minNotional: '5' };
export const PERP: InstrumentSpec = { venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01' };
export const PERP1: InstrumentSpec = { venue: 'okx', symbol: 'ETH-USDT-SWAP', kind: 'perp', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.1' };

export type Engine = ReturnType<typeof createMatchingEngine>;

/** Returns an engine over `instruments` with a settable clock and every event captured. */
export function setup(
  instruments: InstrumentSpec[] = [SPOT],
  fees = { maker: 0.0002, taker: 0.0005 },
  leverage?: number,
): { e: Engine; events: SimAccountEvent[]; clock: { t: number } } {
  const clock = { t: 1_000 };
  const e = createMatchingEngine({ venue: instruments[0]!.venue, instruments, fees, now: () => clock.t, ...(leverage ? { leverage } : {}) });
  const events: SimAccountEvent[] = [];
  e.subscribe((ev) => events.push(ev));
  return { e, events, clock };
}

/** Returns a limit request with defaults (account a, GTC). */
export function limit(side: 'buy' | 'sell', price: string, qty: string, more: Partial<SimOrderRequest> = {}): SimOrderRequest {
  return { account: 'a', symbol: SPOT.symbol, side, type: 'limit', tif: 'GTC', price, qty, ...more };
}

/** Returns a market request with defaults (account a). */
export function market(side: 'buy' | 'sell', qty: string, more: Partial<SimOrderRequest> = {}): SimOrderRequest {
  return { account: 'a', symbol: SPOT.symbol, side, type: 'market', tif: 'IOC', qty, ...more };
}

/** Returns the placed order or fails the test with the reject. */
export function placed(e: Engine, req: SimOrderRequest) {
  const r = e.place(req);
  if ('reject' in r) throw new Error(`unexpected reject ${r.reject.code}: ${r.reject.message}`);
  return r;
}

/** Returns the reject code of a request (undefined when accepted). */
export function rejectOf(e: Engine, req: SimOrderRequest): string | undefined {
  const r = e.place(req);
  return 'reject' in r ? r.reject.code : undefined;
}

/** Returns an account's balance of an asset as { total, free } strings. */
export function bal(e: Engine, account: string, asset: string): { total: string; free: string } {
  const b = e.balances(account).find((x) => x.asset === asset);
  return { total: b?.total ?? '0', free: b?.free ?? '0' };
}

/** A market book for the spot instrument: bids 100.0/99.9, asks 100.1/100.2. */
export function seedSpot(e: Engine): void {
  e.onMarket(SPOT.symbol, { bids: [['100.00', '1.000'], ['99.90', '2.000']], asks: [['100.10', '0.500'], ['100.20', '2.000']] }, []);
}
