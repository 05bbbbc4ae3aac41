/** Audit rows and closed signals for the report tests. */
import type { TradeAuditRow } from '../../src/execution/tradeAudit.ts';
import type { Signal } from '../../src/strategies/scalper/signals.ts';
import type { ClosedSignal } from '../../src/strategies/scalper/signalTracker.ts';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Wednesday 2026-01-07 00:00 UTC (ISO week 2026-W02 runs Monday 5th to Sunday 11th). */
export const WED = Date.UTC(2026, 0, 7);

let n = 0;

/** A closed trade with its PnL after fees. */
export function row(pnl: string, closed: number, opts: { strategy?: 'arbitrage' | 'scalper'; instruments?: string[]; fees?: string; holdMs?: number; id?: string } = {}): TradeAuditRow {
  const holdMs = opts.holdMs ?? 60_000;
  return {
    id: opts.id ?? `t${++n}`,
    strategy: opts.strategy ?? 'scalper',
    instruments: opts.instruments ?? ['bybit-linear:BTCUSDT'],
    opened: closed - holdMs,
    closed,
    side: 'buy',
    qty: '1',
    entry: '100',
    exit: '101',
    fees: opts.fees ?? '0',
    slippageBps: 0,
    latencyMs: 5,
    pnl,
  };
}

/** A closed signal issued at ts with its pnlBps after fees. */
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

/** Returns the exact sum of decimal strings, computed independently of the code under test (BigInt at 40 decimals). */
export function exactSum(values: readonly string[]): string {
  const S = 40;
  let total = 0n;
  for (const v of values) {
    const neg = v.startsWith('-');
    const [int, frac = ''] = (neg ? v.slice(1) : v).split('.');
    const units = BigInt(int! + frac.padEnd(S, '0'));
    total += neg ? -units : units;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(S + 1, '0');
  const frac = digits.slice(-S).replace(/0+$/, '');
  const text = frac ? `${digits.slice(0, -S)}.${frac}` : digits.slice(0, -S);
  return text === '0' ? '0' : `${neg ? '-' : ''}${text}`;
}
