import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../src/model/instrument.ts';
import { PERP } from './instruments.ts';
import { checkOrder, PRE_TRADE_CHECKS, type PreTradeContext, type PreTradeOrder } from '../../src/risk/preTrade.ts';
import type { RiskLimits } from '../../src/risk/riskEngine.ts';


const SPOT = makeInstrument({
  venue: 'binance-spot',
  symbol: 'BTCUSDT',
  kind: 'spot',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.01',
  lotSize: '0.00001',
  minNotional: '5',
});

const LIMITS: RiskLimits = {
  dailyLossLimit: 500,
  maxDrawdown: 0.1,
  maxPortfolioHeat: 0.2,
  maxConsecutiveFailures: 5,
  maxOrderNotional: 10_000,
  maxOpenOrders: 20,
  breaker: { cooldownMs: 1_000, maxCooldownMs: 8_000, resumeAfterMs: 500, maxFailures: 3, windowMs: 60_000 },
  venueDownKillMs: 120_000,
};

/** A perp limit buy of 0.010 BTC at 28552.0: notional 285.52 USDT. */
function order(o: Partial<PreTradeOrder> = {}): PreTradeOrder {
  return {
    venue: 'bybit-linear',
    instrument: PERP,
    side: 'buy',
    type: 'limit',
    qtyLots: 10,
    priceTicks: 285520,
    refPriceTicks: 285520,
    reduceOnly: false,
    riskQuote: '10',
    ...o,
  };
}

function ctx(c: Partial<PreTradeContext> = {}): PreTradeContext {
  return {
    mode: 'sim',
    armed: false,
    portfolioState: 'normal',
    blocked: () => undefined,
    limits: LIMITS,
    openOrders: 0,
    heat: 0,
    equity: '10000',
    free: () => '100000',
    takerFee: () => '0.00055',
    ...c,
  };
}

const refused = (check: string, reason: string) => ({ ok: false, check, reason });

describe('checkOrder passes', () => {
  it('a plain order in a normal portfolio', () => {
    expect(checkOrder(order(), ctx())).toEqual({ ok: true });
    expect(checkOrder(order({ type: 'market', priceTicks: undefined }), ctx({ mode: 'dry' }))).toEqual({ ok: true });
  });
});

describe('mode check', () => {
  it('refuses every order in signal mode', () => {
    expect(checkOrder(order({ reduceOnly: true }), ctx({ mode: 'signal' }))).toEqual(
      refused('mode', 'mode signal places no orders (reduce-only buy on bybit-linear:BTCUSDT)'),
    );
  });

  it('refuses live orders until armed', () => {
    expect(checkOrder(order(), ctx({ mode: 'live' }))).toEqual(refused('mode', "live mode is not armed since the restart: re-arm with POST /api/mode {mode: 'live', pin} and its confirmation (buy on bybit-linear:BTCUSDT refused)"));
    expect(checkOrder(order(), ctx({ mode: 'live', armed: true }))).toEqual({ ok: true });
  });
});

describe('portfolio check', () => {
  it('refuses everything when killed, reduce-only included', () => {
    expect(checkOrder(order({ reduceOnly: true }), ctx({ portfolioState: 'killed' }))).toEqual(
      refused('portfolio', 'portfolio is killed: no orders until the kill switch is reset (reduce-only buy on bybit-linear:BTCUSDT)'),
    );
  });

  it.each(['paused', 'risk_off'])('lets only reduce-only orders out when %s', (state) => {
    expect(checkOrder(order(), ctx({ portfolioState: state }))).toEqual(
      refused('portfolio', `portfolio is ${state}: only reduce-only orders may go out (buy on bybit-linear:BTCUSDT)`),
    );
    expect(checkOrder(order({ reduceOnly: true }), ctx({ portfolioState: state }))).toEqual({ ok: true });
  });

  it('fails closed on a state it does not know', () => {
    expect(checkOrder(order({ reduceOnly: true }), ctx({ portfolioState: 'degraded' }))).toMatchObject({ ok: false, check: 'portfolio' });
  });
});

describe('venue check', () => {
  it('refuses with the engine reason, asking with the venue, instrument id and reduce-only flag', () => {
    const asked: unknown[] = [];
    const c = ctx({
      blocked: (...args) => {
        asked.push(args);
        return 'breaker on venue bybit-linear open for another 3 s: 429 storm';
      },
    });
    expect(checkOrder(order({ reduceOnly: true }), c)).toEqual(
      refused('venue', 'reduce-only buy on bybit-linear:BTCUSDT refused: breaker on venue bybit-linear open for another 3 s: 429 storm'),
    );
    expect(asked).toEqual([['bybit-linear', 'bybit-linear:BTCUSDT', true]]);
  });
});

describe('limits check', () => {
  it('refuses a notional above maxOrderNotional (reduce-only too)', () => {
    // 0.5 BTC at 24001.0 = 12000.5 USDT.
    const big = order({ qtyLots: 500, priceTicks: 240010, reduceOnly: true });
    expect(checkOrder(big, ctx())).toEqual(
      refused('limits', 'notional 12000.5 USDT above maxOrderNotional 10000 (reduce-only buy on bybit-linear:BTCUSDT)'),
    );
    expect(checkOrder(order({ qtyLots: 500, priceTicks: 200000 }), ctx())).toEqual({ ok: true }); // exactly 10000
  });

  it('prices a market order at its reference price', () => {
    const m = order({ type: 'market', priceTicks: 1, refPriceTicks: 240010, qtyLots: 500 });
    expect(checkOrder(m, ctx())).toMatchObject({ ok: false, check: 'limits', reason: expect.stringContaining('notional 12000.5 USDT') });
  });

  it('refuses when the open orders are at maxOpenOrders', () => {
    expect(checkOrder(order(), ctx({ openOrders: 19 }))).toEqual({ ok: true });
    expect(checkOrder(order(), ctx({ openOrders: 20 }))).toEqual(
      refused('limits', '20 open orders already, maxOpenOrders is 20 (buy on bybit-linear:BTCUSDT)'),
    );
  });

  it('refuses an order that would lift the heat above maxPortfolioHeat, but not a reduce-only one', () => {
    expect(checkOrder(order({ riskQuote: '500' }), ctx({ heat: 0.15 }))).toEqual({ ok: true });
    expect(checkOrder(order({ riskQuote: '600' }), ctx({ heat: 0.15 }))).toEqual(
      refused(
        'limits',
        'heat would be 21% after this order (risk 600 USDT on equity 10000), above maxPortfolioHeat 20% (buy on bybit-linear:BTCUSDT)',
      ),
    );
    expect(checkOrder(order({ riskQuote: '600', reduceOnly: true }), ctx({ heat: 0.15 }))).toEqual({ ok: true });
  });

  it('counts the whole notional as risk when the order states none', () => {
    // 285.52 / 1000 = 28.552 % of equity.
    expect(checkOrder(order({ riskQuote: undefined }), ctx({ equity: '1000' }))).toMatchObject({
      ok: false,
      check: 'limits',
      reason: expect.stringContaining('heat would be 28.55% after this order (risk 285.52 USDT on equity 1000)'),
    });
  });

  it('treats heat as unbounded without positive equity', () => {
    expect(checkOrder(order(), ctx({ equity: '0' }))).toMatchObject({ check: 'limits', reason: expect.stringContaining('heat would be unbounded') });
  });
});

describe('instrument check', () => {
  it('refuses an instrument that is not trading', () => {
    const halted = { ...PERP, status: 'halted' as const };
    expect(checkOrder(order({ instrument: halted }), ctx())).toEqual(refused('instrument', 'bybit-linear:BTCUSDT is halted, not trading'));
  });

  it.each([0, -3, 1.5])('refuses %s lots', (qtyLots) => {
    expect(checkOrder(order({ qtyLots }), ctx())).toEqual(
      refused('instrument', `qty of ${qtyLots} lots is not a positive whole number of lots on bybit-linear:BTCUSDT`),
    );
  });

  it('refuses a limit order without a price', () => {
    expect(checkOrder(order({ priceTicks: undefined }), ctx())).toEqual(refused('instrument', 'limit order on bybit-linear:BTCUSDT has no price'));
  });

  it('refuses a price or reference price off the grid or not positive', () => {
    expect(checkOrder(order({ priceTicks: 0 }), ctx())).toEqual(
      refused('instrument', 'price of 0 ticks is not a positive whole number of ticks on bybit-linear:BTCUSDT'),
    );
    expect(checkOrder(order({ priceTicks: 10.5 }), ctx())).toMatchObject({ check: 'instrument' });
    expect(checkOrder(order({ type: 'market', refPriceTicks: Number.NaN }), ctx())).toEqual(
      refused('instrument', 'reference price of NaN ticks is not a positive whole number of ticks on bybit-linear:BTCUSDT'),
    );
  });

  it('refuses a size below minQty', () => {
    expect(checkOrder(order({ qtyLots: 1 }), ctx())).toEqual(refused('instrument', 'qty 0.001 below minQty 0.002 on bybit-linear:BTCUSDT'));
  });

  it('refuses a notional below minNotional, except to reduce', () => {
    // 0.002 BTC at 2000.0 = 4 USDT.
    expect(checkOrder(order({ qtyLots: 2, priceTicks: 20000 }), ctx())).toEqual(
      refused('instrument', 'notional 4 USDT below minNotional 5 on bybit-linear:BTCUSDT'),
    );
    expect(checkOrder(order({ qtyLots: 2, priceTicks: 20000, reduceOnly: true }), ctx())).toEqual({ ok: true });
  });
});

describe('balance check', () => {
  // 0.01 BTC at 28552.10 = 285.521 USDT; taker fee 0.1 % = 0.285521.
  const spotBuy = order({ venue: 'binance-spot', instrument: SPOT, qtyLots: 1000, priceTicks: 2855210 });
  const fee = () => '0.001';

  it('needs the notional plus the taker fee in quote for a spot buy', () => {
    expect(checkOrder(spotBuy, ctx({ takerFee: fee, free: () => '285.806521' }))).toEqual({ ok: true });
    expect(checkOrder(spotBuy, ctx({ takerFee: fee, free: () => '285.80652' }))).toEqual(
      refused(
        'balance',
        'free 285.80652 USDT on binance-spot below the 285.806521 USDT needed (notional 285.521 + taker fee 0.285521) to buy on binance-spot:BTCUSDT',
      ),
    );
  });

  it('needs the base quantity for a spot sell, asking for the base asset', () => {
    const asked: string[] = [];
    const free = (venue: string, asset: string) => {
      asked.push(`${venue}/${asset}`);
      return '0.00999';
    };
    expect(checkOrder({ ...spotBuy, side: 'sell' }, ctx({ free }))).toEqual(
      refused('balance', 'free 0.00999 BTC on binance-spot below the 0.01 BTC to sell on binance-spot:BTCUSDT'),
    );
    expect(asked).toEqual(['binance-spot/BTC']);
  });

  it('needs notional / leverage plus the taker fee for a perp', () => {
    // 285.52 / 10 + 285.52 × 0.00055 = 28.552 + 0.157036.
    expect(checkOrder(order({ leverage: 10 }), ctx({ free: () => '28.709036' }))).toEqual({ ok: true });
    expect(checkOrder(order({ leverage: 10 }), ctx({ free: () => '28.709035' }))).toEqual(
      refused(
        'balance',
        'free 28.709035 USDT on bybit-linear below the margin 28.552 (notional 285.52 at 10x) + taker fee 0.157036 USDT for buy on bybit-linear:BTCUSDT',
      ),
    );
    expect(checkOrder(order(), ctx({ free: () => '285.677036' }))).toEqual({ ok: true }); // leverage 1
    expect(checkOrder(order(), ctx({ free: () => '285.677035' }))).toMatchObject({ check: 'balance' });
  });

  it('refuses a leverage that is not positive', () => {
    expect(checkOrder(order({ leverage: 0 }), ctx())).toEqual(refused('balance', 'leverage 0 is not positive on bybit-linear:BTCUSDT'));
  });

  it('exempts reduce-only orders', () => {
    expect(checkOrder(order({ reduceOnly: true }), ctx({ free: () => '0' }))).toEqual({ ok: true });
    expect(checkOrder({ ...spotBuy, side: 'sell', reduceOnly: true }, ctx({ free: () => '0' }))).toEqual({ ok: true });
  });
});

describe('order of checks', () => {
  it('reports the first failing check: mode, portfolio, venue, limits, instrument, balance', () => {
    // Everything wrong at once, then fixed one check at a time.
    let o = order({ qtyLots: 1, instrument: { ...PERP, status: 'halted' } });
    let c = ctx({
      mode: 'signal',
      portfolioState: 'killed',
      blocked: () => 'venue bybit-linear blocked: mismatch',
      openOrders: 99,
      free: () => '0',
    });
    const seen: string[] = [];
    const fixes: (() => void)[] = [
      () => (c = { ...c, mode: 'sim' }),
      () => (c = { ...c, portfolioState: 'normal' }),
      () => (c = { ...c, blocked: () => undefined }),
      () => (c = { ...c, openOrders: 0 }),
      () => (o = { ...o, instrument: PERP, qtyLots: 10 }),
      () => (c = { ...c, free: () => '1000' }),
    ];
    for (const fix of fixes) {
      const r = checkOrder(o, c);
      seen.push(r.ok ? 'ok' : r.check);
      fix();
    }
    expect(seen).toEqual([...PRE_TRADE_CHECKS]);
    expect(checkOrder(o, c)).toEqual({ ok: true });
  });

  it('does not consult the venue when an earlier check refuses', () => {
    let asked = false;
    const blocked = () => {
      asked = true;
      return undefined;
    };
    checkOrder(order(), ctx({ mode: 'signal', blocked }));
    checkOrder(order(), ctx({ portfolioState: 'killed', blocked }));
    expect(asked).toBe(false);
  });
});
