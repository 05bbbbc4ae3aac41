/**
 * `<data-dir>/trade_audit.csv`: one RFC 4180 row per closed trade (CONTRACT.md "Files in the data
 * dir"). Rows are appended with one `write` of the whole line and an `fdatasync`, so a row is on
 * disk once `append` returned. A crash mid-write leaves a torn last line; opening the file again
 * closes it (and any quoted field it left open) with a newline so the next row never merges with
 * it, and the torn row is not counted as written, so the trade is recorded again in full. Ids read
 * at open make a re-recorded trade (after a crash-restart) a no-op.
 */
import { closeSync, existsSync, fdatasyncSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, FleetError } from '../core/errors.ts';

/** The header, exactly as CONTRACT.md states it. */
export const TRADE_AUDIT_HEADER = 'id,strategy,instruments,opened,closed,side,qty,entry,exit,fees,slippage_bps,latency_ms,pnl,outcome';

export type TradeOutcome = 'win' | 'loss' | 'flat';

/** One closed trade as the audit records it; money and sizes are decimal strings, times epoch ms. */
export interface TradeAuditRow {
  readonly id: string;
  readonly strategy: 'arbitrage' | 'scalper';
  /** Instrument ids (`<venue>:<symbol>`), joined with `|` in the file. */
  readonly instruments: readonly string[];
  readonly opened: number;
  readonly closed: number;
  readonly side: string;
  readonly qty: string;
  readonly entry: string;
  readonly exit: string;
  readonly fees: string;
  readonly slippageBps: number;
  readonly latencyMs: number;
  readonly pnl: string;
  /** Derived from the sign of `pnl` when absent. */
  readonly outcome?: TradeOutcome;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const FIELDS = TRADE_AUDIT_HEADER.split(',');
const OUTCOMES: readonly string[] = ['win', 'loss', 'flat'];

function bad(id: unknown, why: string): never {
  throw new RangeError(`trade audit row ${JSON.stringify(id)}: ${why}`);
}

/** Returns the outcome a PnL's sign implies. */
export function outcomeOf(pnl: string): TradeOutcome {
  if (!DECIMAL.test(pnl)) bad(undefined, `pnl is not a decimal: ${JSON.stringify(pnl)}`);
  if (/^-?0*(\.0*)?$/.test(pnl)) return 'flat';
  return pnl.startsWith('-') ? 'loss' : 'win';
}

/** Returns a metric (bps, ms) as plain decimal text: at most 4 decimals, never an exponent. */
function metricText(v: number): string {
  const t = v.toFixed(4).replace(/\.?0+$/, '');
  return t === '-0' ? '0' : t;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function validate(row: TradeAuditRow): TradeOutcome {
  if (typeof row.id !== 'string' || row.id === '') bad(row.id, 'id is empty');
  if (row.strategy !== 'arbitrage' && row.strategy !== 'scalper') bad(row.id, `strategy must be arbitrage or scalper, got ${JSON.stringify(row.strategy)}`);
  if (row.instruments.length === 0 || row.instruments.some((i) => i === '' || i.includes('|'))) bad(row.id, `instruments must be non-empty ids without "|": ${JSON.stringify(row.instruments)}`);
  for (const t of ['opened', 'closed'] as const) {
    // Beyond ±8.64e15 ms a Date has no ISO text.
    if (!Number.isFinite(row[t]) || Math.abs(row[t]) > 8.64e15) bad(row.id, `${t} is not a finite time: ${row[t]}`);
  }
  if (row.closed < row.opened) bad(row.id, `closed (${row.closed}) is before opened (${row.opened})`);
  if (typeof row.side !== 'string' || row.side === '') bad(row.id, 'side is empty');
  for (const f of ['qty', 'entry', 'exit', 'fees', 'pnl'] as const) {
    if (typeof row[f] !== 'string' || !DECIMAL.test(row[f])) bad(row.id, `${f} is not a decimal string: ${JSON.stringify(row[f])}`);
  }
  if (!Number.isFinite(row.slippageBps)) bad(row.id, `slippageBps is not finite: ${row.slippageBps}`);
  if (!Number.isFinite(row.latencyMs) || row.latencyMs < 0) bad(row.id, `latencyMs is not a finite non-negative number: ${row.latencyMs}`);
  if (row.outcome !== undefined && !OUTCOMES.includes(row.outcome)) bad(row.id, `outcome must be win, loss or flat, got ${JSON.stringify(row.outcome)}`);
  return row.outcome ?? outcomeOf(row.pnl);
}

/** Returns the CSV line of a row (no line terminator); throws a RangeError on an invalid row. */
export function formatAuditRow(row: TradeAuditRow): string {
  const outcome = validate(row);
  const opened = new Date(row.opened).toISOString();
  const closed = new Date(row.closed).toISOString();
  const { id, strategy, side, qty, entry, exit, fees, pnl } = row;
  const fields = [id, strategy, row.instruments.join('|'), opened, closed, side, qty, entry, exit, fees, metricText(row.slippageBps), metricText(row.latencyMs), pnl, outcome];
  return fields.map(quote).join(',');
}

/** One parsed record and whether its line was terminated (a missing terminator means torn). */
interface Record_ {
  readonly fields: string[];
  readonly terminated: boolean;
  /** The record ended inside a quoted field (only possible for the unterminated last one). */
  readonly openQuote: boolean;
}

/** Splits RFC 4180 text into records (LF or CRLF terminators; quoted fields may hold both). */
function parseCsv(text: string): Record_[] {
  const out: Record_[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let started = false;
  // A quote opens a field only at its start; one inside an unquoted field (a torn line) is text.
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    started = true;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      fields.push(field);
      out.push({ fields, terminated: true, openQuote: false });
      fields = [];
      field = '';
      started = false;
      atFieldStart = true;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (started) {
    fields.push(field);
    out.push({ fields, terminated: false, openQuote: quoted });
  }
  return out;
}

const ISO = /^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Returns the row a record holds, or undefined when it is not a whole valid row (a torn one). */
function rowOf(fields: readonly string[]): TradeAuditRow | undefined {
  if (fields.length !== FIELDS.length) return undefined;
  const [id, strategy, instruments, opened, closed, side, qty, entry, exit, fees, slip, latency, pnl, outcome] = fields;
  if (!ISO.test(opened!) || !ISO.test(closed!) || !DECIMAL.test(slip!) || !DECIMAL.test(latency!)) return undefined;
  const row: TradeAuditRow = {
    id: id!,
    strategy: strategy as TradeAuditRow['strategy'],
    instruments: instruments!.split('|'),
    opened: Date.parse(opened!),
    closed: Date.parse(closed!),
    side: side!,
    qty: qty!,
    entry: entry!,
    exit: exit!,
    fees: fees!,
    slippageBps: Number(slip),
    latencyMs: Number(latency),
    pnl: pnl!,
    outcome: outcome as TradeOutcome,
  };
  try {
    validate(row);
  } catch {
    return undefined;
  }
  return row;
}

function headerError(path: string, found: string): FleetError {
  return new FleetError(
    ErrorCodes.RECORD_CORRUPT,
    `${path} is not a trade audit file: its header is ${JSON.stringify(found)}, expected ${JSON.stringify(TRADE_AUDIT_HEADER)} (move the file away to start a new one)`,
    'fatal',
  );
}

interface Scan {
  readonly rows: TradeAuditRow[];
  /** 1-based line numbers of records that are not whole rows (torn by a crash). */
  readonly torn: number[];
  /** What must be written before the next row so it starts on a line of its own. */
  readonly repair: string;
  /** The file holds nothing but (possibly a torn prefix of) the header: rewrite it. */
  readonly fresh: boolean;
}

function scan(path: string, text: string): Scan {
  const records = parseCsv(text);
  const first = records[0];
  if (!first) return { rows: [], torn: [], repair: '', fresh: true };
  const header = first.fields.join(',');
  if (!first.terminated && records.length === 1 && TRADE_AUDIT_HEADER.startsWith(header)) return { rows: [], torn: [], repair: '', fresh: true };
  if (header !== TRADE_AUDIT_HEADER) throw headerError(path, header);
  const rows: TradeAuditRow[] = [];
  const torn: number[] = [];
  let repair = '';
  records.forEach((r, i) => {
    if (i === 0) return;
    const row = rowOf(r.fields);
    // A last line missing only its newline is a whole row (the crash cut the terminator alone).
    if (row) rows.push(row);
    else torn.push(i + 1);
    if (!r.terminated) repair = r.openQuote ? '"\n' : '\n';
  });
  if (!first.terminated) repair = '\n';
  return { rows, torn, repair, fresh: false };
}

/** Returns every whole row of an audit file, in file order; torn rows are passed to `onTorn` and skipped. */
export function readTradeAudit(path: string, onTorn?: (line: number) => void): TradeAuditRow[] {
  const s = scan(path, readFileSync(path, 'utf8'));
  if (onTorn) for (const line of s.torn) onTorn(line);
  return s.rows;
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let done = 0;
  // One write in practice; the loop only guards against a short write.
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
  fdatasyncSync(fd);
}

function syncDir(path: string): void {
  // Makes a newly created file's directory entry durable too; not every platform allows it.
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** The append-only trade audit file. */
export class TradeAudit {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
    private readonly ids: Set<string>,
    /** Written before the next row; undefined after a failed write until the file is read again. */
    private repair: string | undefined,
  ) {}

  /** Opens (creating with the header when missing or empty) an audit file; throws a FleetError on a foreign header. */
  static open(path: string): TradeAudit {
    const existed = existsSync(path);
    const s = scan(path, existed ? readFileSync(path, 'utf8') : '');
    const fd = openSync(path, s.fresh ? 'w' : 'a');
    try {
      if (s.fresh) writeAll(fd, `${TRADE_AUDIT_HEADER}\n`);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (!existed) syncDir(path);
    return new TradeAudit(path, fd, new Set(s.rows.map((r) => r.id)), s.repair);
  }

  /** Whether a row with this trade id is in the file. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Number of distinct trade ids written. */
  get size(): number {
    return this.ids.size;
  }

  /** Appends a row durably; returns false (writing nothing) when its id is already in the file. Throws on an invalid row. */
  append(row: TradeAuditRow): boolean {
    const line = formatAuditRow(row);
    if (this.fd === undefined) throw new Error(`trade audit ${this.path} is closed`);
    if (this.ids.has(row.id)) return false;
    // After a failed write part of a line may be on disk: look at the file again, as open does.
    this.repair ??= scan(this.path, readFileSync(this.path, 'utf8')).repair;
    try {
      writeAll(this.fd, `${this.repair}${line}\n`);
    } catch (e) {
      this.repair = undefined;
      throw e;
    }
    this.repair = '';
    this.ids.add(row.id);
    return true;
  }

  /** Closes the file; later appends throw. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
