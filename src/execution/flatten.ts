/**
 * Closing a venue down: cancel every open order there (ours through their order actors, any other
 * directly at the venue) and send a reduce-only market order against each position the venue
 * reports. Used by the kill switch at every level and by the operator's flatten. The closing
 * orders are strategy `flatten`: they pass the blocks a kill or INTEGRITY_BROKEN sets, never the
 * instrument and balance checks.
 */
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { VenueId } from '../config/schema.ts';
import type { InstrumentLookup } from '../model/instrument.ts';
import { isTerminal } from '../../machines/order.machine.ts';
import type { OrderManager } from './orderManager.ts';
import type { PrivateAdapter, VenuePosition } from './types.ts';

/** The strategy name of orders that close positions for the kill switch and the operator. */
export const FLATTEN = 'flatten';

export interface FlattenDeps {
  readonly clock: Clock;
  readonly orders: OrderManager;
  lookup(venue: VenueId): InstrumentLookup | undefined;
  log(type: string, data: Record<string, unknown>, durable?: boolean): void;
}

/** Cancels our open orders on a venue through their actors, and any other open order directly; returns how many. */
export async function cancelVenue(d: FlattenDeps, venue: VenueId, adapter: PrivateAdapter, reason: string): Promise<number> {
  let n = 0;
  for (const o of d.orders.open({ venue })) if (o.spec && d.orders.cancel(o.clientOrderId, reason)) n++;
  for (const o of await adapter.openOrders()) {
    if (d.orders.context(o.clientOrderId) && !isTerminal(d.orders.status(o.clientOrderId) ?? 'DENIED')) continue;
    try {
      await adapter.cancel(o.symbol, o.clientOrderId);
      d.log('order.external_canceled', { venue, symbol: o.symbol, clientOrderId: o.clientOrderId, reason });
      n++;
    } catch (e) {
      d.log('order.external_cancel_failed', { venue, clientOrderId: o.clientOrderId, error: errorMessage(e) }, true);
    }
  }
  return n;
}

/** Sends a reduce-only market order against each non-flat position; returns how many. */
export function closePositions(d: FlattenDeps, venue: VenueId, positions: readonly VenuePosition[], reason: string): number {
  const lookup = d.lookup(venue);
  let n = 0;
  const stamp = d.clock.now();
  for (const p of positions) {
    const qty = p.qty.replace(/^[+-]/, '');
    if (!/[1-9]/.test(qty)) continue;
    const inst = lookup?.(p.symbol);
    if (!inst) continue;
    n++;
    void d.orders
      .submit({ strategy: FLATTEN, intentId: `flatten:${stamp}`, leg: inst.id, instrument: inst.id, side: p.qty.startsWith('-') ? 'buy' : 'sell', type: 'market', tif: 'IOC', qty, reduceOnly: true })
      .then((o) => d.log('flatten.order', { instrument: inst.id, clientOrderId: o.clientOrderId, status: o.status, reason: o.reason ?? reason }));
  }
  return n;
}
