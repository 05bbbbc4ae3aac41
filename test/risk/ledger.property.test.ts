/**
 * Ledger properties over random fill sequences (spot and perp, random sides, sizes and prices on a
 * grid, random fees and rebates, duplicates sprinkled in), checked against an independent model
 * built from the cash-flow identities. Every comparison is of exact decimal strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger, type LedgerFill } from '../../src/risk/ledger.ts';
import { add, decOf, decText, mul, neg, parseDec, sub, ZERO, type Dec } from '../../src/model/decimal.ts';

interface Market {
  readonly venue: string;
  readonly instrument: string;
  readonly kind: 'spot' | 'perp';
  readonly base: string;
  readonly quote: string;
  readonly contractSize: string;
}

const MARKETS: readonly Market[] = [
  { venue: 'binance-spot', instrument: 'binance-spot:BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', contractSize: '1' },
  { venue: 'bybit-linear', instrument: 'bybit-linear:BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', contractSize: '1' },
  { venue: 'bybit-linear', instrument: 'bybit-linear:ETHUSDT', kind: 'perp', base: 'ETH', quote: 'USDT', contractSize: '1' },
  { venue: 'okx', instrument: 'okx:BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', contractSize: '0.01' },
  { venue: 'okx', instrument: 'okx:BTC-USDC-SWAP', kind: 'perp', base: 'BTC', quote: 'USDC', contractSize: '0.001' },
];

const DEPOSITS: readonly [string, string, string][] = [
  ['binance-spot', 'USDT', '10000.5'],
  ['bybit-linear', 'USDT', '2500'],
  ['okx', 'USDC', '123.456'],
];

interface Step {
  readonly market: number;
  readonly side: 'buy' | 'sell';
  readonly lots: number; // × 0.001
  readonly ticks: number; // × 0.5
  readonly feeUnits: number; // × 0.0001, negative = rebate
  /** When set, replay the fill this many steps back instead (a duplicate). */
  readonly dupOf: number | undefined;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  market: fc.integer({ min: 0, max: MARKETS.length - 1 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  lots: fc.integer({ min: 1, max: 5000 }),
  ticks: fc.integer({ min: 1, max: 200_000 }),
  feeUnits: fc.integer({ min: -50, max: 5000 }),
  dupOf: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined, freq: 5 }),
});

const d = (text: string): Dec => parseDec(text)!;

/** Builds the fills of a script; duplicates reuse an earlier fill object (same trade id). */
function fillsOf(steps: readonly Step[]): { fills: LedgerFill[]; isDup: boolean[] } {
  const fills: LedgerFill[] = [];
  const isDup: boolean[] = [];
  steps.forEach((s, i) => {
    if (s.dupOf !== undefined && fills.length >= s.dupOf) {
      fills.push(fills[fills.length - s.dupOf]!);
      isDup.push(true);
      return;
    }
    const m = MARKETS[s.market]!;
    fills.push({
      venue: m.venue,
      instrument: m.instrument,
      kind: m.kind,
      base: m.base,
      quote: m.quote,
      side: s.side,
      qty: decText(decOf(s.lots, 3)),
      price: decText(mul(decOf(s.ticks, 0), d('0.5'))),
      contractSize: m.contractSize,
      fee: decText(decOf(s.feeUnits, 4)),
      feeAsset: m.quote,
      tradeId: `${i}`,
      ts: 1_000 + i * 10,
    });
    isDup.push(false);
  });
  return { fills, isDup };
}

function ledgerWith(fills: readonly LedgerFill[]): Ledger {
  const l = new Ledger();
  for (const [v, a, x] of DEPOSITS) l.deposit(v, a, x);
  for (const f of fills) l.applyFill(f);
  return l;
}

const script = fc.array(stepArb, { minLength: 1, maxLength: 60 });
const markArb = fc.integer({ min: 1, max: 400_000 }).map((t) => decText(decOf(t, 1)));

describe('Ledger properties', () => {
  it('(a) each quote balance is deposits − spot cost + realized − fees, exactly', () => {
    fc.assert(
      fc.property(script, (steps) => {
        const { fills, isDup } = fillsOf(steps);
        const l = ledgerWith(fills);
        const expected = new Map<string, Dec>();
        const bump = (venue: string, asset: string, x: Dec) => {
          const k = `${venue}|${asset}`;
          expected.set(k, add(expected.get(k) ?? ZERO, x));
        };
        for (const [v, a, x] of DEPOSITS) bump(v, a, d(x));
        fills.forEach((f, i) => {
          if (isDup[i]) return;
          if (f.kind === 'spot') {
            const cost = mul(d(f.qty), d(f.price));
            bump(f.venue, f.quote, f.side === 'buy' ? neg(cost) : cost);
          }
          bump(f.venue, f.feeAsset, neg(d(f.fee)));
        });
        for (const m of MARKETS) if (m.kind === 'perp') bump(m.venue, m.quote, d(l.stats(m.instrument)?.realizedPnl ?? '0'));
        for (const [k, x] of expected) {
          const [venue, asset] = k.split('|') as [string, string];
          expect(l.balance(venue, asset)).toBe(decText(x));
        }
        // The total realized minus fees agrees with the per-fill records.
        expect(l.realizedPnl(0)).toBe(l.realizedPnl());
      }),
      { numRuns: 300 },
    );
  });

  it('(b) realized + unrealized equals the cash flow of the fills plus the position at the mark', () => {
    fc.assert(
      fc.property(script, markArb, (steps, markText) => {
        const { fills, isDup } = fillsOf(steps);
        const l = ledgerWith(fills);
        const mark = d(markText);
        for (const m of MARKETS) {
          if (m.kind !== 'perp') continue;
          const cs = d(m.contractSize);
          let cash: Dec = ZERO;
          let pos: Dec = ZERO;
          fills.forEach((f, i) => {
            if (isDup[i] || f.instrument !== m.instrument) return;
            const signed = f.side === 'buy' ? d(f.qty) : neg(d(f.qty));
            cash = sub(cash, mul(mul(signed, d(f.price)), cs));
            pos = add(pos, signed);
          });
          const identity = add(cash, mul(mul(pos, mark), cs));
          const p = l.position(m.instrument);
          expect(p?.qty ?? '0').toBe(decText(pos));
          const total = add(d(p?.realizedPnl ?? '0'), d(l.unrealizedPnl(m.instrument, markText)));
          expect(decText(total)).toBe(decText(identity));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(c) duplicates change nothing and are refused', () => {
    fc.assert(
      fc.property(script, (steps) => {
        const { fills, isDup } = fillsOf(steps);
        const l = new Ledger();
        for (const [v, a, x] of DEPOSITS) l.deposit(v, a, x);
        fills.forEach((f, i) => {
          const before = isDup[i] ? JSON.stringify(l.toJSON()) : undefined;
          expect(l.applyFill(f)).toBe(!isDup[i]);
          if (before !== undefined) expect(JSON.stringify(l.toJSON())).toBe(before);
        });
        expect(l.toJSON()).toEqual(ledgerWith(fills.filter((_, i) => !isDup[i])).toJSON());
      }),
      { numRuns: 200 },
    );
  });

  it('(d) toJSON / from round-trips exactly, and the restored ledger carries on identically', () => {
    fc.assert(
      fc.property(script, script, markArb, (first, second, mark) => {
        const a = fillsOf(first).fills;
        const b = fillsOf(second).fills.map((f) => ({ ...f, tradeId: `2nd-${f.tradeId}`, ts: f.ts + 1_000_000 }));
        const l = ledgerWith(a);
        const r = Ledger.from(JSON.parse(JSON.stringify(l.toJSON())));
        expect(r.toJSON()).toEqual(l.toJSON());
        for (const f of [...a, ...b]) expect(r.applyFill(f)).toBe(l.applyFill(f));
        expect(r.toJSON()).toEqual(l.toJSON());
        expect(r.equity(() => mark)).toBe(l.equity(() => mark));
        expect(r.realizedPnl(1_500)).toBe(l.realizedPnl(1_500));
      }),
      { numRuns: 200 },
    );
  });
});
