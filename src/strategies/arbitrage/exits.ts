/**
 * When a hedged perp–perp trade closes: once the spread it was opened on has converged to the
 * exit threshold (walked through both books for the size held), or at the latest when its
 * maximum hold is over (then with or without books: closing never waits for a price). The exit
 * sends both legs reduce-only at market; what one of them fails to close the saga recovers.
 */
import { held, newOrder, type SagaOrder, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { exitEdge, type LegBook } from './edge.ts';

export interface ExitPlan {
  readonly orders: readonly SagaOrder[];
  readonly why: string;
  /** The spread left (bps), null without both books. */
  readonly spreadBps: number | null;
}

/** Returns the exit of a hedged perp–perp saga when it is due, else undefined. */
export function exitPlan(s: TwoLegContext, a: LegBook | undefined, b: LegBook | undefined, exitEdgeBps: number, now: number): ExitPlan | undefined {
  const timeUp = s.holdUntil !== null && now >= s.holdUntil;
  const qty = held(s, 'a') * Number(s.fine);
  const spread = a && b ? exitEdge(a, b, 'a', qty) : undefined;
  const converged = spread !== undefined && spread <= exitEdgeBps;
  if (!converged && !timeUp) return undefined;
  const round = s.orders.filter((o) => o.purpose === 'exit').length / 2 + 1;
  const orders = (['a', 'b'] as const).flatMap((leg) => {
    const units = Math.abs(held(s, leg));
    if (units === 0) return [];
    return [newOrder({ key: `${leg}:exit:${round}`, leg, purpose: 'exit', side: s.legs[leg].side === 'buy' ? 'sell' : 'buy', units, limitPrice: null, reduceOnly: true })];
  });
  const why = converged ? `spread converged to ${spread.toFixed(2)} bps ≤ ${exitEdgeBps}` : `held past ${new Date(s.holdUntil!).toISOString()}`;
  return { orders, why, spreadBps: spread ?? null };
}
