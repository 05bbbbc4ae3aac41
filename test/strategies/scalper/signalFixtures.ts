/** Closed signals for the tests of what reads them (the signal report, the reports). */
import type { Signal } from '../../../src/strategies/scalper/signals.ts';
import type { ClosedSignal } from '../../../src/strategies/scalper/signalTracker.ts';

/** A closed long signal issued at ts, held holdMs, with pnlBps after fees (R = pnl / 15 bps of risk). */
export function closedSignal(instrument: string, ts: number, pnlBps: number, holdMs = 60_000): ClosedSignal {
  const signal = {
    id: `${instrument}:long:${ts}`, instrument, asset: 'X', side: 'long', ts, entry: 100, stop: 99.85, tp1: 100.15, tp2: 100.3,
    breakEvenStop: 100.11, quality: 0.8, tier: 'HIGH', conditions: [], suggestedQty: 1, suggestedNotional: 100,
    riskReward: 1, expectedHoldMs: 27_000, feesBps: 11, regime: 'NORMAL',
  } satisfies Signal;
  return {
    signal, closedAt: ts + holdMs, holdMs, outcome: pnlBps > 0 ? 'tp2' : 'stop', tp1Hit: pnlBps > 0, exits: [],
    grossBps: pnlBps + 11, pnlBps, rMultiple: pnlBps / 15, pnlQuote: pnlBps / 100, mfeBps: 0, maeBps: 0,
  };
}
