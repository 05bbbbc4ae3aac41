import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SagaOrder, TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { doneOrder, sagaContext, SAGA_A, SAGA_B } from './sagaFixture.ts';
import { add, decText, mul, parseDec, sub, ZERO, type Dec } from '../../../src/model/decimal.ts';
import { auditRow, instrumentQty, sagaNet, unitsText } from '../../../src/strategies/arbitrage/trade.ts';

const A = SAGA_A;
const B = SAGA_B;

/** A finished order of `filled` fine units at `avgPrice` paying `fee` quote. */
function filled(key: string, side: 'buy' | 'sell', units: number, avgPrice: string | null, fee = '0', purpose: SagaOrder['purpose'] = 'open'): SagaOrder {
  return doneOrder({ key, leg: key.startsWith('a') ? 'a' : 'b', purpose, side, units }, units, avgPrice, fee);
}

/** 500 units = 0.5 BTC, hedged 250 ms after the decision. */
function ctx(orders: readonly SagaOrder[], over: Partial<TwoLegContext> = {}): TwoLegContext {
  return sagaContext(orders, { units: 500, decidedAt: 1_000, hedgedAt: 1_250, closedAt: 1_250, outcome: 'hedged', ...over });
}

const d = (t: string): Dec => parseDec(t)!;

describe('auditRow', () => {
  it('spot: bought 0.5 at 100 on A, sold 0.5 at 101 on B, fees 0.05 + 0.0505 ⇒ pnl 0.3995, a win', () => {
    const row = auditRow(ctx([filled('a:open', 'buy', 500, '100', '0.05'), filled('b:open', 'sell', 500, '101', '0.0505')]));
    // pnl = 0.5 × 101 − 0.5 × 100 − (0.05 + 0.0505) = 50.5 − 50 − 0.1005 = 0.3995.
    expect(row).toEqual({
      id: 's1',
      strategy: 'arbitrage',
      instruments: [A, B],
      opened: 1_000,
      closed: 1_250,
      side: 'buy|sell',
      qty: '0.5',
      entry: '100',
      exit: '101',
      fees: '0.1005',
      slippageBps: 0,
      latencyMs: 250,
      pnl: '0.3995',
      outcome: 'win',
    });
  });

  it('perp round trip: qty is the base bought over both buys and pnl = (exit − entry) × qty − fees', () => {
    // 1 BTC = 1000 units. Open: a buys 1 at 100, b sells 1 at 101. Exit: a sells 1 at 102, b buys 1 at 101.5.
    const row = auditRow(
      ctx(
        [
          filled('a:open', 'buy', 1000, '100', '0.1'),
          filled('b:open', 'sell', 1000, '101', '0.101'),
          filled('a:exit', 'sell', 1000, '102', '0.102', 'exit'),
          filled('b:exit', 'buy', 1000, '101.5', '0.1015', 'exit'),
        ],
        { kind: 'perp', phase: 'exit', outcome: 'closed', closedAt: 9_000 },
      ),
    )!;
    // Bought 2 BTC for 100 + 101.5 = 201.5 (entry 100.75); sold 2 for 101 + 102 = 203 (exit 101.5);
    // fees 0.1 + 0.101 + 0.102 + 0.1015 = 0.4045; pnl = 203 − 201.5 − 0.4045 = 1.0955 = (101.5 − 100.75) × 2 − 0.4045.
    expect(row).toMatchObject({ qty: '2', entry: '100.75', exit: '101.5', fees: '0.4045', pnl: '1.0955', outcome: 'win', closed: 9_000, latencyMs: 250 });
    expect(decText(sub(mul(sub(d(row.exit), d(row.entry)), d(row.qty)), d(row.fees)))).toBe(row.pnl);
  });

  it('an unwound trade is a loss: bought 0.5 at 100, sold it back at 99.5, fees 0.05 + 0.04975', () => {
    const row = auditRow(
      ctx([filled('a:open', 'buy', 500, '100', '0.05'), filled('b:open', 'sell', 0, null), filled('a:unwind:1', 'sell', 500, '99.5', '0.04975', 'unwind')], {
        hedgedAt: null,
        closedAt: 1_900,
        outcome: 'unwound',
      }),
    );
    // pnl = 49.75 − 50 − 0.09975 = −0.34975; never hedged ⇒ latency = closed − decided = 900.
    // The unwind is not slippage: only open and retry orders count, and a filled at the 100 it saw.
    expect(row).toMatchObject({ qty: '0.5', entry: '100', exit: '99.5', fees: '0.09975', pnl: '-0.34975', outcome: 'loss', latencyMs: 900, slippageBps: 0 });
  });

  it('is undefined when nothing filled', () => {
    expect(auditRow(ctx([filled('a:open', 'buy', 0, null), filled('b:open', 'sell', 0, null)], { outcome: 'missed' }))).toBeUndefined();
  });

  it('an even trade is flat', () => {
    expect(auditRow(ctx([filled('a:open', 'buy', 500, '100'), filled('b:open', 'sell', 500, '100')]))).toMatchObject({ pnl: '0', outcome: 'flat' });
  });

  it('slippage is positive when fills are worse than seen, negative when better, weighted by size', () => {
    // a bought at 100.1 seeing 100: +0.1 / 100 = +10 bps; b sold at the 101 it saw: 0 ⇒ (10 + 0) / 2 = 5.
    const worse = auditRow(ctx([filled('a:open', 'buy', 500, '100.1'), filled('b:open', 'sell', 500, '101')]))!;
    expect(worse.slippageBps).toBe(5);
    // a bought at 99.9: −10 bps ⇒ −5.
    expect(auditRow(ctx([filled('a:open', 'buy', 500, '99.9'), filled('b:open', 'sell', 500, '101')]))!.slippageBps).toBe(-5);
    // b sold at 100.899 seeing 101: +0.101 / 101 = +10 bps, a at 100: 0; b filled 3 times a's size ⇒ (0 × 1 + 10 × 3) / 4 = 7.5.
    expect(auditRow(ctx([filled('a:open', 'buy', 100, '100'), filled('b:open', 'sell', 300, '100.899')]))!.slippageBps).toBe(7.5);
  });

  it('latency runs from the decision to the hedge', () => {
    const row = auditRow(ctx([filled('a:open', 'buy', 500, '100'), filled('b:open', 'sell', 500, '101')], { decidedAt: 10_000, hedgedAt: 10_137, closedAt: 10_137 }))!;
    expect(row.latencyMs).toBe(137);
  });

  it('values a residue at its own average price: bought 0.5 at 100, sold 0.4 at 101 ⇒ pnl 40.4 − 50 + 0.1 × 100 = 0.4', () => {
    const row = auditRow(ctx([filled('a:open', 'buy', 500, '100'), filled('b:open', 'sell', 400, '101')], { dust: 100 }))!;
    expect(row).toMatchObject({ qty: '0.5', pnl: '0.4', outcome: 'win' });
  });

  it('property: a flat perp round trip of equal sizes satisfies pnl = (exit − entry) × qty − fees exactly', () => {
    const price = fc.integer({ min: 1, max: 10_000_000 }).map((c) => decText({ v: BigInt(c), s: 2 }));
    const fee = fc.integer({ min: 0, max: 100_000 }).map((c) => decText({ v: BigInt(c), s: 4 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.tuple(price, price, price, price), fc.tuple(fee, fee, fee, fee), (units, [p1, p2, p3, p4], [f1, f2, f3, f4]) => {
        const row = auditRow(
          ctx(
            [
              filled('a:open', 'buy', units, p1, f1),
              filled('b:open', 'sell', units, p2, f2),
              filled('a:exit', 'sell', units, p3, f3, 'exit'),
              filled('b:exit', 'buy', units, p4, f4, 'exit'),
            ],
            { kind: 'perp', phase: 'exit' },
          ),
        )!;
        expect(decText(sub(mul(sub(d(row.exit), d(row.entry)), d(row.qty)), d(row.fees)))).toBe(row.pnl);
        // And the pnl is the legs' cash flows minus the fees.
        const q = d(unitsText('0.001', units));
        const fees = [f1, f2, f3, f4].reduce((s, f) => add(s, d(f)), ZERO);
        // Sells (p2 + p3) minus buys (p1 + p4), each of q base.
        const cash = sub(mul(q, sub(add(d(p2), d(p3)), add(d(p1), d(p4)))), fees);
        expect(row.pnl).toBe(decText(cash));
        expect(row.outcome).toBe(row.pnl === '0' ? 'flat' : row.pnl.startsWith('-') ? 'loss' : 'win');
      }),
      { numRuns: 300 },
    );
  });
});

describe('unitsText, instrumentQty, sagaNet', () => {
  it('turns fine units into exact base text', () => {
    expect(unitsText('0.001', 1234)).toBe('1.234');
    expect(unitsText('0.01', 0)).toBe('0');
    expect(unitsText('0.001', -40)).toBe('-0.04');
  });

  it('sizes in contracts where one contract is not one unit of base: 0.05 BTC at 0.01 BTC a contract = 5', () => {
    expect(instrumentQty('0.05', { contractSize: '0.01' })).toBe('5');
    expect(instrumentQty('0.123', { contractSize: '0.001' })).toBe('123');
    expect(instrumentQty('0.05', { contractSize: '1' })).toBe('0.05');
  });

  it('nets what the saga holds: a long 0.6, b short 1.0 ⇒ −0.4; balanced ⇒ 0', () => {
    const partial = ctx([filled('a:open', 'buy', 600, '100'), filled('b:open', 'sell', 1000, '101')]);
    // held a = 600, held b = 1000 ⇒ (600 − 1000) × 0.001 = −0.4.
    expect(sagaNet(partial)).toBe(-0.4);
    expect(sagaNet(ctx([filled('a:open', 'buy', 500, '100'), filled('b:open', 'sell', 500, '101')]))).toBe(0);
    // An unwind sells back what a bought: flat again.
    expect(sagaNet(ctx([filled('a:open', 'buy', 500, '100'), filled('a:unwind:1', 'sell', 500, '99', '0', 'unwind')]))).toBe(0);
  });

  it('takes fees paid in the coin off the holding: a hedged 0.5 with 0.0005 BTC of buy fee nets −0.0005', () => {
    const buy = { ...filled('a:open', 'buy', 500, '100'), feeBase: '0.0005' };
    expect(sagaNet(ctx([buy, filled('b:open', 'sell', 500, '101')]))).toBe(-0.0005);
  });
});
