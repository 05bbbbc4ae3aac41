/** Audit rows and closed signals for the report tests. */
import type { TradeAuditRow } from '../../src/execution/tradeAudit.ts';
export { closedSignal } from '../strategies/scalper/signalFixtures.ts';

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
