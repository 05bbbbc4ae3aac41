/**
 * `fleet replay FILE`: a `fleet record` file through the whole daemon on a simulated clock
 * (src/replay/session.ts: books, features, charts, strategies, risk, paper fills), then what it
 * did: records, trades, PnL. The replay's trade audit and event log go to
 * `<data-dir>/replays/<file name>/`. `--speed X` keeps the recorded pacing X times faster; `max`
 * (the default) goes as fast as it can; `--from` / `--to` (ISO time or epoch ms) bound the
 * lines fed. `--hash` ends with `sha256=<hex>` of the event log the replay produced.
 *
 * `--market-only`: only the parse and book-sync path, then a summary per instrument (book status,
 * sequence, applied messages, gaps, checksum failures, trades, top of book); its `--hash` is over
 * the market events and book status changes.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import pino from 'pino';
import { createLogger } from '../core/logger.ts';
import type { FleetConfig } from '../config/schema.ts';
import { errorMessage } from '../core/errors.ts';
import { runReplaySession } from '../replay/session.ts';
import { readTradeAudit } from '../execution/tradeAudit.ts';
import { buildReport } from '../reports/report.ts';
import { reportName, writeReport } from '../reports/writer.ts';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import { SystemClock } from '../core/clock.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { defaultConfig, loadConfigFile, parseConfigText } from '../config/load.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { MarketData } from '../market/marketData.ts';
import { RecordingReplayer } from '../market/replay.ts';
import { parseFlags } from './args.ts';

export const REPLAY_USAGE = 'fleet replay FILE|--from-log DIR [--config FILE] [--data-dir DIR] [--speed X|max] [--from T] [--to T] [--hash] [--market-only [--json]]';

/** Runs `fleet replay`; resolves with the exit code. */
export async function runReplay(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('replay', args, {
    config: { type: 'string' },
    speed: { type: 'string' },
    hash: { type: 'boolean' },
    json: { type: 'boolean' },
    'market-only': { type: 'boolean' },
    'data-dir': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'from-log': { type: 'string' },
  });
  const fromLog = values['from-log'];
  if (fromLog !== undefined) {
    if (positionals.length > 0) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--from-log DIR replaces the recording file\n${REPLAY_USAGE}`);
  } else if (positionals.length !== 1) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet replay takes one recording file\n${REPLAY_USAGE}`);
  const files = fromLog !== undefined ? dataDirRecordings(fromLog) : [positionals[0]!];
  const file = files[0]!;
  if (!existsSync(file)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `no recording at ${file}`);
  const speedText = values.speed ?? 'max';
  const speed = speedText === 'max' ? Infinity : Number(speedText);
  if (!(speed > 0)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--speed takes a positive number or 'max', got '${speedText}'`);
  const config = values.config ? loadConfigFile(values.config) : fromLog !== undefined ? recordedConfig(file) : defaultConfig();
  if (!values['market-only']) {
    const from = timeFlag(values.from, 'from');
    const to = timeFlag(values.to, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--from ${values.from} is after --to ${values.to}: no line could be fed`);
    return runFullReplay({ files, name: fromLog !== undefined ? `log-${basename(resolve(fromLog))}` : basename(file).replace(/\.[^.]*$/, ''), config, speed, hash: values.hash ?? false, dataDir: values['data-dir'] ?? 'data', from, to });
  }

  const pending: (() => void)[] = [];
  const market = new MarketData({ tapeSize: config.market.tapeSize, schedule: (fn) => pending.push(fn) });
  const hash = createHash('sha256');
  if (values.hash) {
    market.events$.subscribe((ev) => hash.update(JSON.stringify(ev) + '\n'));
    market.status$.subscribe((s) => hash.update(JSON.stringify({ status: s }) + '\n'));
  }
  const replayer = new RecordingReplayer(market, PUBLIC_ADAPTERS);
  const clock = new SystemClock();
  const wallStart = clock.now();
  let firstTs: number | undefined;
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const ts = replayer.line(line, ++lineNo);
    while (pending.length) pending.shift()!();
    if (ts !== undefined && Number.isFinite(speed)) {
      firstTs ??= ts;
      const due = wallStart + (ts - firstTs) / speed;
      const wait = due - clock.now();
      if (wait > 1) await new Promise<void>((r) => clock.setTimeout(r, wait));
    }
  }

  const rows = [...market.feeds.values()].map((f) => {
    const s = f.sync;
    const px = f.instrument.price;
    return {
      instrument: f.instrument.id,
      book: s?.status ?? 'none',
      seq: s?.seq ?? 0,
      applied: s?.counters.applied ?? 0,
      gaps: s?.counters.gaps ?? 0,
      checksumFailures: s?.counters.checksumFailures ?? 0,
      crossed: s?.counters.crossed ?? 0,
      resyncs: s?.counters.resyncs ?? 0,
      trades: f.tape.size,
      bid: s && s.book.bids.size ? px.toText(s.book.bids.best()) : '-',
      ask: s && s.book.asks.size ? px.toText(s.book.asks.best()) : '-',
    };
  });
  const st = replayer.stats;
  if (values.json) {
    for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
    process.stdout.write(JSON.stringify({ summary: st }) + '\n');
  } else {
    process.stdout.write(table(rows));
    const span = st.firstTs !== undefined && st.lastTs !== undefined ? ` over ${((st.lastTs - st.firstTs) / 1000).toFixed(1)} s recorded` : '';
    process.stdout.write(
      `${st.frames} frames and ${st.rest} REST responses${span}; ${st.badLines} bad lines${st.firstBad ? ` (first: ${st.firstBad})` : ''}; ` +
        `frame problems ${JSON.stringify(st.problems)}; ${st.resyncs} resyncs\n`,
    );
  }
  if (values.hash) process.stdout.write(`sha256=${hash.digest('hex')}\n`);
  return 0;
}

function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return 'no instruments in the recording\n';
  const cols = Object.keys(rows[0]!);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n') + '\n';
}

/** Returns an ISO time or epoch ms flag as epoch ms. */
function timeFlag(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--${name} takes an ISO time or epoch ms, got '${text}'`);
  return ms;
}

/** The whole daemon over the recording; progress on stderr (a bar on a terminal, lines otherwise). */
async function runFullReplay(o: { files: readonly string[]; name: string; config: FleetConfig; speed: number; hash: boolean; dataDir: string; from: number | undefined; to: number | undefined }): Promise<number> {
  const outDir = resolve(o.dataDir, 'replays', o.name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tty = process.stderr.isTTY === true;
  const logger = createLogger({ level: 'warn', destination: pino.destination({ dest: join(outDir, 'replay.log'), sync: true }) });
  const result = await runReplaySession({
    file: o.files,
    config: o.config,
    outDir,
    speed: o.speed,
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
    logger,
    eventsFile: join(outDir, 'events.jsonl'),
    keepRecords: false,
    progressEveryMs: tty ? 200 : 5000,
    progress: (p) => {
      const text = `replay: ${p.instruments} instruments, ${p.frames} frames, ${(p.simulatedMs / 1000).toFixed(1)} s simulated, ${p.wallMs > 0 ? (p.simulatedMs / p.wallMs).toFixed(1) : '–'}× real time`;
      process.stderr.write(tty ? `\r${text}${p.done ? '\n' : ''}` : `${text}\n`);
    },
  });
  // The report: trades, win rate, PnL after fees, drawdown, Sharpe, per strategy and instrument.
  const auditPath = join(outDir, 'trade_audit.csv');
  const rows = existsSync(auditPath) ? readTradeAudit(auditPath) : [];
  const from = result.firstTs ?? 0;
  const name = reportName('replay', o.name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 100) || 'recording');
  const report = buildReport({ rows, from, to: Math.max(from + 1, (result.lastTs ?? from) + 1000), spreads: result.spreads, title: `Replay of ${o.name}` });
  const written = writeReport(resolve(o.dataDir), name, report);
  const top = [...result.recordTypes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([t, n]) => `${t} ${n}`).join(', ');
  process.stdout.write(`${result.recordCount} records (${top}); ${result.stats.frames} frames, ${result.stats.badLines} bad lines; out: ${outDir}\n`);
  const ov = report.overall;
  process.stdout.write(`${ov.trades} trades, win rate ${ov.trades ? `${(ov.winRate * 100).toFixed(1)} %` : '–'}, PnL after fees ${ov.pnl}; report: ${written.html}\n`);
  if (o.hash) process.stdout.write(`sha256=${result.hash}\n`);
  return 0;
}

/** Returns a data dir's recordings (`market.recordFrames`), oldest first. */
function dataDirRecordings(dir: string): string[] {
  const folder = join(resolve(dir), 'recordings');
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(folder, f)) : [];
  if (files.length === 0) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `no recordings in ${folder} (the daemon keeps them with market.recordFrames: true)`);
  return files;
}

/** The longest header line read (a config is a few KiB; an hour's recording is gigabytes). */
const MAX_HEADER_BYTES = 4 * 2 ** 20;

/** Returns a file's first line, reading no more than it must (at most MAX_HEADER_BYTES). */
export function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    const parts: Buffer[] = [];
    let total = 0;
    while (total < MAX_HEADER_BYTES) {
      const n = readSync(fd, chunk, 0, chunk.length, total);
      if (n === 0) break;
      const nl = chunk.subarray(0, n).indexOf(10);
      parts.push(Buffer.from(chunk.subarray(0, nl >= 0 ? nl : n)));
      total += n;
      if (nl >= 0) break;
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Returns the config a recording was made with (its header, secrets removed), or the defaults. */
function recordedConfig(file: string): FleetConfig {
  const first = firstLine(file);
  let header: { type?: string; config?: unknown };
  try {
    header = JSON.parse(first) as { type?: string; config?: unknown };
  } catch (e) {
    throw new FleetError(ErrorCodes.CONFIG_INVALID, `the first line of ${file} is not a recording header (${errorMessage(e)}); pass --config FILE`);
  }
  if (header?.type !== 'recording' || !header.config) return defaultConfig();
  try {
    return parseConfigText(JSON.stringify(header.config), 'json', `recorded in ${file}`);
  } catch (e) {
    throw new FleetError(ErrorCodes.CONFIG_INVALID, `${errorMessage(e)}\nthe config recorded in ${file} is not usable; pass --config FILE`);
  }
}
