/**
 * `fleet audit`: prints the event log, straight from LevelDB, or, when a running daemon holds the
 * data dir (LevelDB admits one process), by asking that daemon over its API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SystemClock } from '../core/clock.ts';
import { ErrorCodes, FleetError, errorMessage } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { openPersistence, type Persistence } from '../runtime/persistence.ts';
import type { CorruptRecord, EventQuery, EventRecord } from '../runtime/eventLog.ts';
import { parseFlags, parseSince } from './args.ts';

export const AUDIT_USAGE = 'fleet audit [--data-dir DIR] [--actor ID|PREFIX*] [--type T|order] [--since ISO|DURATION] [--until ISO|DURATION] [--json]';

/**
 * `--type order`: every record of every order actor (intent, denial, request, answers, fills,
 * transitions, refusals), grouped so each order's whole life reads top to bottom, orders in the
 * order they began.
 */
export const ORDER_LIFE = 'order';

export interface AuditSink {
  record(r: EventRecord): void;
  corrupt(c: CorruptRecord): void;
}

/** Runs `fleet audit`; returns the exit code. */
export async function runAudit(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values } = parseFlags('audit', args, {
    'data-dir': { type: 'string' },
    actor: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    json: { type: 'boolean' },
  });
  const now = new SystemClock().now();
  const orderLife = values.type === ORDER_LIFE;
  const q: EventQuery = {
    ...(orderLife ? { actor: values.actor ?? 'order:*' } : values.actor ? { actor: values.actor } : {}),
    ...(values.type && !orderLife ? { type: values.type } : {}),
    ...(values.since ? { since: parseSince(values.since, now) } : {}),
    ...(values.until ? { until: parseSince(values.until, now, 'until') } : {}),
  };
  const dataDir = resolve(values['data-dir'] ?? 'data');
  let corrupt = 0;
  const flat = values.json ? jsonPrinter(out) : tablePrinter(out);
  const lives = orderLife ? new OrderLives() : undefined;
  const printer = lives ? (r: EventRecord) => lives.add(r) : flat;
  const sink: AuditSink = {
    record: printer,
    corrupt: (c) => {
      corrupt++;
      err.write(`fleet audit: record seq ${c.seq} is unreadable (${c.reason}); skipped\n`);
    },
  };
  let matched = 0;
  const record = sink.record;
  sink.record = (r) => {
    matched++;
    record(r);
  };
  await auditEvents(dataDir, q, sink);
  lives?.print(out, values.json ? flat : undefined);
  if (matched === 0) err.write('fleet audit: no matching records\n');
  if (corrupt > 0) err.write(`fleet audit: ${corrupt} unreadable record(s) reported above\n`);
  return 0;
}

/** Streams the matching records to `sink`, from disk or from the daemon holding `dataDir`. */
export async function auditEvents(dataDir: string, q: EventQuery, sink: AuditSink): Promise<'disk' | 'daemon'> {
  if (!existsSync(join(dataDir, 'leveldb'))) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `no Fleet data in ${dataDir} (expected ${join(dataDir, 'leveldb')})`);
  }
  let p: Persistence;
  try {
    p = await openPersistence(dataDir, new SystemClock(), silentLogger());
  } catch (e) {
    if (e instanceof FleetError && e.code === ErrorCodes.DATA_DIR_LOCKED) {
      await auditViaDaemon(dataDir, q, sink);
      return 'daemon';
    }
    throw e;
  }
  try {
    for await (const r of p.eventLog.query(q, sink.corrupt)) sink.record(r);
  } finally {
    await p.close();
  }
  return 'disk';
}

async function auditViaDaemon(dataDir: string, q: EventQuery, sink: AuditSink): Promise<void> {
  const file = join(dataDir, 'daemon.json');
  let url: string;
  try {
    url = (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
  } catch (e) {
    throw new FleetError(ErrorCodes.DAEMON_UNREACHABLE, `${dataDir} is locked by another process, and ${file} does not say which daemon (${errorMessage(e)})`);
  }
  let afterSeq = 0;
  const pageSize = 10_000;
  for (;;) {
    const params = new URLSearchParams({ afterSeq: String(afterSeq), limit: String(pageSize) });
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(`${url}/api/events?${params}`);
    } catch (e) {
      throw new FleetError(ErrorCodes.DAEMON_UNREACHABLE, `${dataDir} is held by the daemon at ${url}, which does not answer: ${errorMessage(e)}`);
    }
    if (!res.ok) throw new FleetError(ErrorCodes.DAEMON_UNREACHABLE, `daemon at ${url} answered ${res.status}: ${await res.text()}`);
    const lines = (await res.text()).split('\n').filter(Boolean);
    let records = 0;
    for (const line of lines) {
      const item = JSON.parse(line) as EventRecord | { corrupt: CorruptRecord };
      if ('corrupt' in item) {
        sink.corrupt(item.corrupt);
        afterSeq = Math.max(afterSeq, item.corrupt.seq);
      } else {
        sink.record(item);
        afterSeq = item.seq;
        records++;
      }
    }
    if (records < pageSize) return;
  }
}

function jsonPrinter(out: NodeJS.WritableStream): (r: EventRecord) => void {
  return (r) => out.write(JSON.stringify(r) + '\n');
}

function tablePrinter(out: NodeJS.WritableStream): (r: EventRecord) => void {
  let headed = false;
  return (r) => {
    if (!headed) {
      headed = true;
      out.write(`${'SEQ'.padStart(8)}  ${'TIME'.padEnd(24)}  ${'TYPE'.padEnd(28)}  ${'ACTOR'.padEnd(28)}  WHAT\n`);
    }
    const what =
      r.type === 'transition'
        ? `${r.from} --${r.event}--> ${r.to}${r.causationId ? `  (cause ${r.causationId})` : ''}`
        : r.data === undefined
          ? ''
          : JSON.stringify(r.data);
    out.write(`${String(r.seq).padStart(8)}  ${new Date(r.ts).toISOString().padEnd(24)}  ${r.type.padEnd(28)}  ${(r.actor ?? '-').padEnd(28)}  ${what}\n`);
  };
}

/** Collects order records by actor and prints each order's life as one block. */
class OrderLives {
  private readonly byOrder = new Map<string, EventRecord[]>();

  add(r: EventRecord): void {
    const id = r.actor ?? '-';
    const list = this.byOrder.get(id);
    if (list) list.push(r);
    else this.byOrder.set(id, [r]);
  }

  /** Table: a heading per order (what it was and how it ended), then its records; JSON: records grouped. */
  print(out: NodeJS.WritableStream, json?: (r: EventRecord) => void): void {
    for (const [id, records] of this.byOrder) {
      if (json) {
        for (const r of records) json(r);
        continue;
      }
      const intent = records.find((r) => r.type === 'order.intent')?.data as Record<string, unknown> | undefined;
      const last = [...records].reverse().find((r) => r.type === 'transition');
      const what = intent
        ? `${intent.strategy} ${intent.side} ${intent.qty} ${intent.instrument}${intent.price !== null && intent.price !== undefined ? ` @ ${intent.price}` : ' at market'} (${intent.type} ${intent.tif}${intent.reduceOnly ? ', reduce-only' : ''})`
        : '(intent not in range)';
      out.write(`\n${id}  ${what}  →  ${last?.to ?? 'INITIALIZED'}\n`);
      for (const r of records) {
        const detail = r.type === 'transition' ? `${r.from} --${r.event}--> ${r.to}` : r.data === undefined ? '' : JSON.stringify(r.data);
        out.write(`  ${String(r.seq).padStart(8)}  ${new Date(r.ts).toISOString()}  ${r.type.padEnd(22)}  ${detail}\n`);
      }
    }
  }
}
