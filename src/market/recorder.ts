/**
 * Writing recordings: the raw frames and REST responses a market service receives, one JSON line
 * each, after a header and the instruments each venue trades (the format `fleet replay` reads; see
 * src/commands/record.ts). `fleet record` writes one file; the daemon (`market.recordFrames`)
 * writes `<data-dir>/recordings/<UTC hour>.jsonl`, a new file each hour that starts again with the
 * header and every venue's instruments, so each file replays on its own.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { VenueId } from '../config/schema.ts';
import { instrumentSpec, type Instrument } from '../model/instrument.ts';
import type { ConnectorDeps } from './connector.ts';

type TapRecord = Parameters<NonNullable<ConnectorDeps['tap']>>[0];

export interface RecorderOptions {
  readonly clock: Clock;
  /** The header's other fields (mode, venues, the config without secrets). */
  readonly header: Record<string, unknown>;
  /** One file at this path (flags 'wx': never overwritten)… */
  readonly file?: string;
  /** …or hourly files in this folder. */
  readonly dir?: string;
}

const HOUR_MS = 3_600_000;

export class FrameRecorder {
  private out: WriteStream | undefined;
  private hour = -1;
  private readonly instruments = new Map<VenueId, readonly Instrument[]>();
  readonly counts = new Map<string, number>();

  constructor(private readonly o: RecorderOptions) {
    if (o.dir) mkdirSync(o.dir, { recursive: true });
  }

  /** A venue's instruments (written now, and at the top of every later file). */
  instrumentsLoaded(venue: VenueId, list: readonly Instrument[]): void {
    this.stream();
    this.instruments.set(venue, list);
    this.write({ type: 'instruments', ts: this.o.clock.now(), venue, specs: list.map(instrumentSpec) });
  }

  /** One frame or REST response. */
  tap(rec: TapRecord): void {
    this.counts.set(rec.venue, (this.counts.get(rec.venue) ?? 0) + 1);
    this.stream(rec.ts);
    if (rec.source === 'ws') this.write({ type: 'ws', ts: rec.ts, venue: rec.venue, conn: rec.conn, frame: rec.frame });
    else this.write({ type: 'rest', ts: rec.ts, venue: rec.venue, method: rec.method, url: rec.url, status: rec.status, body: rec.body });
  }

  /** Ends the file; resolves once it is flushed. */
  close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    return new Promise((r) => (out ? out.end(r) : r()));
  }

  private write(o: Record<string, unknown>): void {
    this.out?.write(JSON.stringify(o) + '\n');
  }

  /** The file for `ts`: the one open, or (hourly) a new one that starts with the header and instruments. */
  private stream(ts = this.o.clock.now()): void {
    if (this.o.file) {
      if (!this.out) {
        this.out = createWriteStream(this.o.file, { flags: 'wx' });
        this.write({ type: 'recording', version: 1, startedAt: this.o.clock.now(), ...this.o.header });
      }
      return;
    }
    const hour = Math.floor(ts / HOUR_MS);
    if (this.out && hour === this.hour) return;
    void this.close();
    this.hour = hour;
    const name = new Date(hour * HOUR_MS).toISOString().slice(0, 13).replace(':', '-');
    this.out = createWriteStream(join(this.o.dir!, `${name}.jsonl`), { flags: 'a' });
    this.write({ type: 'recording', version: 1, startedAt: ts, ...this.o.header });
    for (const [venue, list] of this.instruments) this.write({ type: 'instruments', ts, venue, specs: list.map(instrumentSpec) });
  }
}

/** Returns the config without its secrets (keys, secrets, passphrases, tokens), for a recording's header. */
export function configWithoutSecrets<T>(config: T): T {
  const SECRET = new Set(['key', 'secret', 'passphrase', 'token', 'apiToken', 'pin']);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET.has(k)).map(([k, x]) => [k, strip(x)]));
  };
  return strip(config) as T;
}
