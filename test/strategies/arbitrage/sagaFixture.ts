/** A hand-built two-leg saga for the arbitrage tests: BTC spot, a buys on Binance (seen 100), b sells on OKX (seen 101). */
import { newOrder, type SagaOrder, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';

export const SAGA_A = 'binance-spot:BTCUSDT';
export const SAGA_B = 'okx:BTC-USDT';

/** Fine unit 0.001 BTC: 1 unit per lot on A (lot 0.001), 10 on B (lot 0.01); `over` changes any field. */
export function sagaContext(orders: readonly SagaOrder[], over: Partial<TwoLegContext> = {}): TwoLegContext {
  return {
    id: 's1',
    route: 'route:BTC:binance-spot:okx',
    kind: 'spot',
    legs: { a: { instrument: SAGA_A, side: 'buy', unitsPerLot: 1, seenPrice: 100 }, b: { instrument: SAGA_B, side: 'sell', unitsPerLot: 10, seenPrice: 101 } },
    units: 100,
    fine: '0.001',
    orders,
    phase: 'open',
    recoveries: 0,
    maxRecoveries: 4,
    legTimeoutMs: 1000,
    orphanGraceMs: 200,
    holdUntil: null,
    decidedAt: 0,
    seenNetBps: 5,
    hedgedAt: null,
    closedAt: null,
    outcome: null,
    reason: null,
    dust: 0,
    ...over,
  };
}

/** A finished order: `filled` units at `avgPrice`, paying `fee` in quote. */
export function doneOrder(o: Pick<SagaOrder, 'key' | 'leg' | 'purpose' | 'side' | 'units'>, filled: number, avgPrice: string | null, fee = '0'): SagaOrder {
  return { ...newOrder({ ...o, limitPrice: null, reduceOnly: false }), filled, avgPrice, fee, status: filled > 0 ? 'FILLED' : 'REJECTED', done: true };
}
