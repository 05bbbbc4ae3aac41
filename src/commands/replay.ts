/**
 * `fleet replay FILE`: a `fleet record` file through the same parse and book-sync path as live,
 * then a summary per instrument (book status, sequence, applied messages, gaps, checksum
 * failures, trades, top of book). `--speed X` keeps the recorded pacing X times faster; `max`
 * (the default) goes as fast as it can. `--hash` ends with `sha256=<hex>` of the market events
 * and book status changes the replay produced, in order.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import { SystemClock } from '../core/clock.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { defaultConfig, loadConfigFile } from '../config/load.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { MarketData } from '../market/marketData.ts';
import { RecordingReplayer } from '../market/replay.ts';
import { parseFlags } from './args.ts';

export const REPLAY_USAGE = 'fleet replay FILE [--config FILE] [--speed X|max] [--hash] [--json]';

/** Runs `fleet replay`; resolves with the exit code. */
export async function runReplay(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('replay', args, {
    config: { type: 'string' },
    speed: { type: 'string' },
    hash: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet replay takes one recording file\n${REPLAY_USAGE}`);
  const file = positionals[0]!;
  if (!existsSync(file)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `no recording at ${file}`);
  const speedText = values.speed ?? 'max';
  const speed = speedText === 'max' ? Infinity : Number(speedText);
  if (!(speed > 0)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--speed takes a positive number or 'max', got '${speedText}'`);
  const config = values.config ? loadConfigFile(values.config) : defaultConfig();

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
