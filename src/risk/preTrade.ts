/**
 * Pre-trade checks: the last gate before an order leaves for a venue. They run in a fixed order,
 * cheapest and widest first, and the first failure answers: mode, portfolio state, venue (kills,
 * breakers, integrity), limits, instrument, balance. Reduce-only orders shrink risk, so they pass
 * where opening orders may not (paused or risk_off portfolio, breaker in probation, heat, balance).
 * Every reason is a sentence a trader reads with the numbers in it. Money is compared exactly.
 */
import type { Mode } from '../config/schema.ts';
import type { Instrument } from '../model/instrument.ts';
import { add, cmp, decOfNumber, decText, mul, parseDec, sign, type Dec } from '../model/decimal.ts';
import { notionalOf, qtyOfLots } from './orderRules.ts';
import type { RiskLimits } from './riskEngine.ts';

export type PreTradeCheck = 'mode' | 'portfolio' | 'venue' | 'limits' | 'instrument' | 'balance';

/** The checks in the order they run. */
export const PRE_TRADE_CHECKS: readonly PreTradeCheck[] = ['mode', 'portfolio', 'venue', 'limits', 'instrument', 'balance'];

/** An order on the grid, about to be sent. */
export interface PreTradeOrder {
  readonly venue: string;
  readonly instrument: Instrument;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly qtyLots: number;
  /** Required for limit orders. */
  readonly priceTicks?: number;
  /** The price used for a market order's notional (best opposite price or mark). */
  readonly refPriceTicks: number;
  readonly reduceOnly: boolean;
  /** Quote amount this order puts at risk (its stop distance × size); the full notional when absent. */
  readonly riskQuote?: string;
  /** Perps: 1 when absent. */
  readonly leverage?: number;
}

/** What the checks read; the portfolio actor builds it from the ledger and the risk engine. */
export interface PreTradeContext {
  readonly mode: Mode;
  readonly armed: boolean;
  readonly portfolioState: string;
  /** RiskEngine.blocked at the current time. */
  blocked(venue: string, instrument: string, reduceOnly: boolean): string | undefined;
  readonly limits: RiskLimits;
  readonly openOrders: number;
  /** Current portfolio heat (Σ position risk / equity). */
  readonly heat: number;
  readonly equity: string;
  /** Free (unreserved) balance of an asset at a venue, as a decimal string. */
  free(venue: string, asset: string): string;
  /** Taker fee rate, e.g. "0.00055". */
  takerFee(instrument: Instrument): string;
}

export type PreTradeResult = { readonly ok: true } | { readonly ok: false; readonly check: PreTradeCheck; readonly reason: string };

const OK: PreTradeResult = { ok: true };

function fail(check: PreTradeCheck, reason: string): PreTradeResult {
  return { ok: false, check, reason };
}

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`pre-trade: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

function whole(n: number | undefined): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n > 0;
}

/** Returns whether the order may be sent, or the first check that refuses it and why. */
export function checkOrder(o: PreTradeOrder, c: PreTradeContext): PreTradeResult {
  const inst = o.instrument;
  const what = `${o.reduceOnly ? 'reduce-only ' : ''}${o.side} on ${inst.id}`;

  // mode
  if (c.mode === 'signal') return fail('mode', `mode signal places no orders (${what})`);
  if (c.mode === 'live' && !c.armed) {
    return fail('mode', `live mode is not armed since the restart: re-arm with POST /api/mode {mode: 'live', pin} and its confirmation (${what} refused)`);
  }

  // portfolio state
  const ps = c.portfolioState;
  if (ps === 'killed') return fail('portfolio', `portfolio is killed: no orders until the kill switch is reset (${what})`);
  if (ps !== 'normal') {
    if (!o.reduceOnly || (ps !== 'paused' && ps !== 'risk_off')) {
      return fail('portfolio', `portfolio is ${ps}: only reduce-only orders may go out (${what})`);
    }
  }

  // venue: kills, integrity, breakers
  const blocked = c.blocked(o.venue, inst.id, o.reduceOnly);
  if (blocked !== undefined) return fail('venue', `${what} refused: ${blocked}`);

  // limits
  const priceTicks = o.type === 'limit' ? o.priceTicks : o.refPriceTicks;
  const priced = whole(o.qtyLots) && whole(priceTicks);
  const notional = priced ? notionalOf(inst, o.qtyLots, priceTicks) : undefined;
  if (notional) {
    const max = decOfNumber(c.limits.maxOrderNotional);
    if (cmp(notional, max) > 0) {
      return fail('limits', `notional ${decText(notional)} ${inst.quote} above maxOrderNotional ${decText(max)} (${what})`);
    }
  }
  if (c.openOrders >= c.limits.maxOpenOrders) {
    return fail('limits', `${c.openOrders} open orders already, maxOpenOrders is ${c.limits.maxOpenOrders} (${what})`);
  }
  if (notional && !o.reduceOnly) {
    const risk = o.riskQuote !== undefined ? dec(o.riskQuote, 'riskQuote') : notional;
    const equity = dec(c.equity, 'equity');
    const added = sign(equity) > 0 ? Number(decText(risk)) / Number(decText(equity)) : sign(risk) > 0 ? Infinity : 0;
    const after = c.heat + added;
    if (after > c.limits.maxPortfolioHeat) {
      return fail(
        'limits',
        `heat would be ${pctText(after)} after this order (risk ${decText(risk)} ${inst.quote} on equity ${decText(equity)}), above maxPortfolioHeat ${pctText(c.limits.maxPortfolioHeat)} (${what})`,
      );
    }
  }

  // instrument
  if (inst.status !== 'trading') return fail('instrument', `${inst.id} is ${inst.status}, not trading`);
  if (!whole(o.qtyLots)) return fail('instrument', `qty of ${o.qtyLots} lots is not a positive whole number of lots on ${inst.id}`);
  if (o.type === 'limit' && o.priceTicks === undefined) return fail('instrument', `limit order on ${inst.id} has no price`);
  if (!whole(priceTicks)) {
    return fail('instrument', `${o.type === 'limit' ? 'price' : 'reference price'} of ${priceTicks} ticks is not a positive whole number of ticks on ${inst.id}`);
  }
  const qty = qtyOfLots(inst, o.qtyLots);
  if (cmp(qty, dec(inst.minQty, 'minQty')) < 0) {
    return fail('instrument', `qty ${decText(qty)} below minQty ${inst.minQty} on ${inst.id}`);
  }
  // Venues let a reduce-only order close a remainder below the minimum notional.
  if (!o.reduceOnly && cmp(notional!, dec(inst.minNotional, 'minNotional')) < 0) {
    return fail('instrument', `notional ${decText(notional!)} ${inst.quote} below minNotional ${inst.minNotional} on ${inst.id}`);
  }

  // balance
  if (o.reduceOnly) return OK;
  const fee = dec(c.takerFee(inst), 'taker fee');
  const feeAmount = mul(notional!, fee);
  if (inst.kind === 'spot' && o.side === 'sell') {
    const need = mul(qty, dec(inst.contractSize, 'contractSize'));
    const free = dec(c.free(o.venue, inst.base), 'free balance');
    if (cmp(free, need) < 0) {
      return fail('balance', `free ${decText(free)} ${inst.base} on ${o.venue} below the ${decText(need)} ${inst.base} to sell on ${inst.id}`);
    }
    return OK;
  }
  const free = dec(c.free(o.venue, inst.quote), 'free balance');
  if (inst.kind === 'spot') {
    const need = add(notional!, feeAmount);
    if (cmp(free, need) < 0) {
      return fail('balance', `free ${decText(free)} ${inst.quote} on ${o.venue} below the ${decText(need)} ${inst.quote} needed (notional ${decText(notional!)} + taker fee ${decText(feeAmount)}) to buy on ${inst.id}`);
    }
    return OK;
  }
  // perp: free ≥ notional / leverage + fee  ⇔  free × leverage ≥ notional + fee × leverage (no division).
  const leverage = decOfNumber(o.leverage ?? 1);
  if (sign(leverage) <= 0) return fail('balance', `leverage ${o.leverage} is not positive on ${inst.id}`);
  if (cmp(mul(free, leverage), add(notional!, mul(feeAmount, leverage))) < 0) {
    const margin = Number(decText(notional!)) / Number(decText(leverage));
    return fail(
      'balance',
      `free ${decText(free)} ${inst.quote} on ${o.venue} below the margin ${numText(margin)} (notional ${decText(notional!)} at ${decText(leverage)}x) + taker fee ${decText(feeAmount)} ${inst.quote} for ${what}`,
    );
  }
  return OK;
}

function pctText(x: number): string {
  return Number.isFinite(x) ? `${Number((x * 100).toFixed(2))}%` : 'unbounded';
}

function numText(x: number): string {
  return String(Number(x.toFixed(8)));
}

