import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FleetError } from '../../src/core/errors.ts';
import { formatAuditRow, readTradeAudit, TRADE_AUDIT_HEADER, TradeAudit, type TradeAuditRow } from '../../src/execution/tradeAudit.ts';
import { tempDir } from '../helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function auditPath(): string {
  const t = tempDir('fleet-audit-');
  cleanups.push(t.cleanup);
  return join(t.dir, 'trade_audit.csv');
}

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0); // 2026-01-01T00:00:00.000Z

const ARB: TradeAuditRow = {
  id: 'arb-1',
  strategy: 'arbitrage',
  instruments: ['binance-spot:BTCUSDT', 'okx:BTC-USDT'],
  opened: T0,
  closed: T0 + 1_250,
  side: 'buy binance-spot / sell okx',
  qty: '0.01',
  entry: '97000.5',
  exit: '97030.1',
  fees: '1.9406',
  slippageBps: 0.5,
  latencyMs: 42,
  // (97030.1 − 97000.5) × 0.01 − 1.9406 = 0.296 − 1.9406 = −1.6446
  pnl: '-1.6446',
  outcome: 'loss',
};

const SCALP: TradeAuditRow = {
  id: 'scalp-7',
  strategy: 'scalper',
  instruments: ['bybit-linear:SOLUSDT'],
  opened: T0 + 60_000,
  closed: T0 + 90_000,
  side: 'long',
  qty: '3',
  entry: '180.25',
  exit: '181',
  fees: '0.2967',
  slippageBps: -1.25,
  latencyMs: 7.5,
  // (181 − 180.25) × 3 − 0.2967 = 2.25 − 0.2967 = 1.9533
  pnl: '1.9533',
  outcome: 'win',
};

describe('trade audit CSV', () => {
  it('creates the file with exactly the contract header', () => {
    const path = auditPath();
    TradeAudit.open(path).close();
    expect(readFileSync(path, 'utf8')).toBe('id,strategy,instruments,opened,closed,side,qty,entry,exit,fees,slippage_bps,latency_ms,pnl,outcome\n');
    expect(TRADE_AUDIT_HEADER).toBe('id,strategy,instruments,opened,closed,side,qty,entry,exit,fees,slippage_bps,latency_ms,pnl,outcome');
  });

  it('writes rows that read back equal, with ISO times and | joined instruments', () => {
    const path = auditPath();
    const audit = TradeAudit.open(path);
    expect(audit.append(ARB)).toBe(true);
    expect(audit.append(SCALP)).toBe(true);
    audit.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe(
      'arb-1,arbitrage,binance-spot:BTCUSDT|okx:BTC-USDT,2026-01-01T00:00:00.000Z,2026-01-01T00:00:01.250Z,buy binance-spot / sell okx,0.01,97000.5,97030.1,1.9406,0.5,42,-1.6446,loss',
    );
    expect(lines).toHaveLength(4); // header, two rows, and the empty text after the last newline
    expect(readTradeAudit(path)).toEqual([ARB, SCALP]);
  });

  it('derives the outcome from the sign of pnl when absent', () => {
    const { outcome: _o, ...noOutcome } = ARB;
    expect(formatAuditRow({ ...noOutcome, pnl: '0.000' }).endsWith(',0.000,flat')).toBe(true);
    expect(formatAuditRow({ ...noOutcome, pnl: '-0' }).endsWith(',-0,flat')).toBe(true);
    expect(formatAuditRow({ ...noOutcome, pnl: '0.01' }).endsWith(',0.01,win')).toBe(true);
    expect(formatAuditRow({ ...noOutcome, pnl: '-0.01' }).endsWith(',-0.01,loss')).toBe(true);
  });

  it('quotes fields holding commas, quotes and newlines (RFC 4180) and reads them back', () => {
    const path = auditPath();
    const odd: TradeAuditRow = { ...SCALP, id: 'id,"with" quote', side: 'long\nthen "flat", done' };
    const audit = TradeAudit.open(path);
    audit.append(odd);
    audit.close();
    expect(readFileSync(path, 'utf8')).toContain('"id,""with"" quote",scalper,');
    expect(readFileSync(path, 'utf8')).toContain(',"long\nthen ""flat"", done",');
    expect(readTradeAudit(path)).toEqual([odd]);
    // Reopening remembers the quoted id.
    const again = TradeAudit.open(path);
    expect(again.has('id,"with" quote')).toBe(true);
    again.close();
  });

  it('refuses a trade id already in the file, also after a restart', () => {
    const path = auditPath();
    const a = TradeAudit.open(path);
    expect(a.append(ARB)).toBe(true);
    expect(a.append({ ...ARB, pnl: '5' })).toBe(false);
    a.close();
    const b = TradeAudit.open(path);
    expect(b.has('arb-1')).toBe(true);
    expect(b.append(ARB)).toBe(false);
    expect(b.append(SCALP)).toBe(true);
    b.close();
    expect(readTradeAudit(path).map((r) => r.id)).toEqual(['arb-1', 'scalp-7']);
  });

  it('completes a torn last line with a newline so the next row stands alone; the torn trade is written again', () => {
    const path = auditPath();
    const a = TradeAudit.open(path);
    a.append(ARB);
    a.close();
    // A crash in the middle of writing SCALP's line: half of it, no newline.
    const line = formatAuditRow(SCALP);
    appendFileSync(path, line.slice(0, 40));
    const b = TradeAudit.open(path);
    expect(b.has('scalp-7')).toBe(false);
    expect(b.append(SCALP)).toBe(true);
    b.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toEqual([TRADE_AUDIT_HEADER, formatAuditRow(ARB), line.slice(0, 40), line, '']);
    const torn: number[] = [];
    expect(readTradeAudit(path, (n) => torn.push(n))).toEqual([ARB, SCALP]);
    expect(torn).toEqual([3]);
  });

  it('closes a quoted field left open by a torn line, so it cannot swallow the next row', () => {
    const path = auditPath();
    TradeAudit.open(path).close();
    const odd: TradeAuditRow = { ...SCALP, id: 'torn', side: 'long, "quoted"' };
    const line = formatAuditRow(odd);
    const cut = line.indexOf('"long') + 5; // inside the quoted side field
    appendFileSync(path, line.slice(0, cut));
    const b = TradeAudit.open(path);
    b.append(ARB);
    b.close();
    expect(readTradeAudit(path)).toEqual([ARB]);
    const c = TradeAudit.open(path);
    expect(c.append(odd)).toBe(true); // the torn one was never counted
    c.close();
    expect(readTradeAudit(path)).toEqual([ARB, odd]);
  });

  it('counts a last line that lost only its newline as written (no duplicate row)', () => {
    const path = auditPath();
    TradeAudit.open(path).close();
    appendFileSync(path, formatAuditRow(ARB));
    const b = TradeAudit.open(path);
    expect(b.append(ARB)).toBe(false);
    expect(b.append(SCALP)).toBe(true);
    b.close();
    expect(readTradeAudit(path)).toEqual([ARB, SCALP]);
  });

  it('rewrites a header torn at creation', () => {
    const path = auditPath();
    writeFileSync(path, 'id,strategy,instr');
    const a = TradeAudit.open(path);
    a.append(ARB);
    a.close();
    expect(readFileSync(path, 'utf8')).toBe(`${TRADE_AUDIT_HEADER}\n${formatAuditRow(ARB)}\n`);
  });

  it('refuses a file whose header differs, leaving it untouched', () => {
    const path = auditPath();
    const foreign = 'id,strategy,instruments,opened,closed,side,qty,entry,exit,fees,pnl\n1,x\n';
    writeFileSync(path, foreign);
    let err: unknown;
    try {
      TradeAudit.open(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('RECORD_CORRUPT');
    expect((err as FleetError).message).toContain('expected "id,strategy,instruments,opened,closed,side,qty,entry,exit,fees,slippage_bps,latency_ms,pnl,outcome"');
    expect(readFileSync(path, 'utf8')).toBe(foreign);
  });

  it.each([
    ['a float pnl', { pnl: 1.5 as unknown as string }, /pnl is not a decimal/],
    ['an exponent fee', { fees: '1e-3' }, /fees is not a decimal/],
    ['a text entry', { entry: 'NaN' }, /entry is not a decimal/],
    ['a non-finite time', { closed: Number.NaN }, /closed is not a finite time/],
    ['closed before opened', { closed: T0 - 1 }, /before opened/],
    ['an unknown strategy', { strategy: 'grid' as 'scalper' }, /strategy/],
    ['an instrument holding |', { instruments: ['a|b'] }, /instruments/],
    ['an infinite slippage', { slippageBps: Infinity }, /slippageBps/],
  ])('throws on %s and writes nothing', (_name, change, message) => {
    const path = auditPath();
    const a = TradeAudit.open(path);
    expect(() => a.append({ ...ARB, ...change })).toThrow(message);
    expect(a.has('arb-1')).toBe(false);
    a.close();
    expect(readFileSync(path, 'utf8')).toBe(`${TRADE_AUDIT_HEADER}\n`);
  });

  it('reads back whatever valid row it formats (property)', () => {
    const decimal = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.nat(8)).map(([neg, v, s]) => {
      const digits = v.toString().padStart(s + 1, '0');
      const text = s === 0 ? digits : `${digits.slice(0, -s)}.${digits.slice(-s)}`;
      return neg ? `-${text}` : text;
    });
    const text = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'Z', '1', ',', '"', '\n', '\r', ' ', '|', ':') });
    const row = fc.record({
      id: text,
      strategy: fc.constantFrom('arbitrage' as const, 'scalper' as const),
      instruments: fc.array(text.filter((s) => !s.includes('|')), { minLength: 1, maxLength: 3 }),
      opened: fc.integer({ min: 0, max: 4e12 }),
      span: fc.integer({ min: 0, max: 1e9 }),
      side: text,
      qty: decimal,
      entry: decimal,
      exit: decimal,
      fees: decimal,
      slippageBps: fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 100),
      latencyMs: fc.integer({ min: 0, max: 1e7 }).map((n) => n / 8),
      pnl: decimal,
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
        const path = auditPath();
        const audit = TradeAudit.open(path);
        const written: TradeAuditRow[] = [];
        for (const { span, ...r } of rows) {
          const full = { ...r, closed: r.opened + span };
          if (audit.append(full)) written.push(full);
        }
        audit.close();
        const back = readTradeAudit(path);
        expect(back.map(({ outcome: _o, ...r }) => r)).toEqual(written);
      }),
      { numRuns: 60 },
    );
  });
});
