/**
 * Builds a `fleet record` file from the simulator in-process, with no sockets: the simulated
 * venues (src/sim/cluster.ts, the same protocol code `fleet sim` serves) get one in-process
 * connection per connection the daemon's plan opens (src/market/connectionPlan.ts), subscribed with
 * the adapters' own subscribe frames; every frame the venue sends on it (acks, snapshots, deltas,
 * trades, tickers) becomes a `ws` line stamped with the venue's simulated time. The instruments are
 * fetched through the adapters' own `fetchInstruments` and book snapshots through their own
 * `fetchSnapshot` (Binance's REST sync), over a RestClient whose transport answers from the venue's
 * protocol in-process; both are recorded as `fleet record` records them (src/commands/record.ts:
 * `instruments` lines of `instrumentSpec`, `rest` lines with url, status and body).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { ManualClock } from '../core/clock.ts';
import type { VenueId } from '../config/schema.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { RestClient, type RawRequest, type RawResponse, type RestTapRecord } from '../adapters/rest.ts';
import { instrumentSpec, type Instrument } from '../model/instrument.ts';
import { planConnections } from '../market/connectionPlan.ts';
import { SimCluster } from '../sim/cluster.ts';
import { defaultUniverse, type ScenarioName, type SimUniverse } from '../sim/market/generator.ts';
import type { SimConnection, SimVenueServer } from '../sim/protocolServer.ts';

/** The venues the replay bench records: the "three venues". */
export const REPLAY_VENUES: readonly VenueId[] = ['bybit-linear', 'binance-usdm', 'okx'];

export interface ReplayRecordingOptions {
  /** Where the lines go (created; an existing file is replaced). */
  readonly file: string;
  /** Assets, each listed as a perp on every venue: `assets` instruments per venue. */
  readonly assets: number;
  /** Simulated time covered by market steps after the subscriptions. */
  readonly durationMs: number;
  readonly venues?: readonly VenueId[];
  readonly seed?: number;
  readonly scenario?: ScenarioName;
  /** Simulated ms per generator step (default 100, as `fleet sim`). */
  readonly stepMs?: number;
  /** The simulated start time (default 2026-01-01T00:00:00Z, fixed so builds are byte-identical). */
  readonly startTime?: number;
}

export interface ReplayRecordingSummary {
  readonly file: string;
  readonly venues: readonly VenueId[];
  /** Instruments recorded, over all venues. */
  readonly instruments: number;
  readonly connections: number;
  readonly lines: number;
  readonly frames: number;
  readonly rest: number;
  readonly bytes: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

const START = Date.UTC(2026, 0, 1);

/**
 * Returns a universe of `assets` crypto assets (BTC, ETH, SOL, WIF, then generated ALTnn) listed
 * only as perps on `venues`, so the generator spends nothing on markets the recording leaves out.
 */
export function replayUniverse(assets: number, venues: readonly VenueId[]): SimUniverse {
  const base = defaultUniverse(Math.max(0, assets));
  const chosen = base.assets
    .map((a) => ({ ...a, markets: a.markets.filter((m) => m.kind === 'perp' && venues.includes(m.venue)) }))
    .filter((a) => a.markets.length === venues.length)
    .slice(0, assets);
  if (chosen.length < assets) throw new RangeError(`only ${chosen.length} assets trade on ${venues.join(', ')}, asked for ${assets}`);
  return { assets: chosen };
}

/** A RestClient whose requests are answered by a simulated venue's protocol in-process (no socket). */
class InProcessRest extends RestClient {
  constructor(
    private readonly server: SimVenueServer,
    clock: ManualClock,
    private readonly onAnswer: (rec: RestTapRecord) => void,
  ) {
    super('http://127.0.0.1:1', { clock });
  }

  override send(req: RawRequest): Promise<RawResponse> {
    const u = new URL(req.url);
    const answer = this.server.protocol.http(this.server, req.method, u.pathname, u.searchParams, req.body ?? '') ?? { status: 404, body: { msg: `no route ${u.pathname}` } };
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    this.onAnswer({ ts: this.server.now(), method: req.method, url: req.url, status: answer.status, body: text });
    return Promise.resolve({ status: answer.status, headers: new Headers(answer.headers ?? {}), text });
  }
}

/** Buffers lines and writes them in large chunks (a frame per write would dominate the build). */
class LineSink {
  lines = 0;
  bytes = 0;
  private buf: string[] = [];
  private size = 0;
  private readonly out: WriteStream;

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'w' });
  }

  write(o: Record<string, unknown>): void {
    const line = JSON.stringify(o) + '\n';
    this.buf.push(line);
    this.size += line.length;
    this.lines++;
    this.bytes += Buffer.byteLength(line);
  }

  /** Hands what is buffered to the stream once it is large, waiting when the stream is full. */
  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < 1 << 20)) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', r));
  }

  async close(): Promise<void> {
    await this.flush(true);
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

/** Returns an in-process connection on `server` whose every frame (data or control) is recorded. */
function openConnection(server: SimVenueServer, venue: VenueId, id: number, path: string, record: (venue: VenueId, conn: number, frame: string) => void): SimConnection {
  const conn: SimConnection = {
    id,
    path,
    // The protocols reach the socket only through send/reply; closing the venue terminates it.
    ws: { readyState: 1, OPEN: 1, terminate: () => {} } as unknown as SimConnection['ws'],
    topics: new Set(),
    send: (frame) => {
      if (!server.silent) record(venue, id, frame);
    },
    reply: (frame) => {
      if (!server.silent) record(venue, id, frame);
    },
  };
  server.connections.add(conn);
  return conn;
}

/** Writes a recording of the simulated market to `o.file` and returns what it holds. */
export async function buildReplayRecording(o: ReplayRecordingOptions): Promise<ReplayRecordingSummary> {
  const venues = o.venues ?? REPLAY_VENUES;
  const startTime = o.startTime ?? START;
  const stepMs = o.stepMs ?? 100;
  const clock = new ManualClock(startTime);
  const cluster = new SimCluster({ seed: o.seed ?? 7, scenario: o.scenario ?? 'trending', clock, startTime, stepMs, venues, universe: replayUniverse(o.assets, venues) });
  const sink = new LineSink(o.file);
  let frames = 0;
  let rest = 0;
  let firstTs: number | undefined;
  let lastTs = startTime;
  const now = (): number => cluster.generator.time;
  const note = (ts: number): void => {
    firstTs ??= ts;
    lastTs = ts;
  };
  const record = (venue: VenueId, conn: number, frame: string): void => {
    const ts = now();
    note(ts);
    frames++;
    sink.write({ type: 'ws', ts, venue, conn, frame });
  };
  let connections = 0;
  try {
    sink.write({ type: 'recording', version: 1, startedAt: startTime, mode: 'sim', venues });
    for (const venue of venues) {
      const adapter = PUBLIC_ADAPTERS[venue];
      const server = cluster.servers.get(venue)!;
      // Nobody trades on a recording's venue: its matching engine need not follow the market.
      server.exchange = undefined;
      const http = new InProcessRest(server, clock, (r) => {
        note(r.ts);
        rest++;
        sink.write({ type: 'rest', ts: r.ts, venue, method: r.method, url: r.url, status: r.status, body: r.body });
      });
      // Fetched through the adapter, as the connector loads a venue; not itself recorded (record.ts
      // writes the instruments line instead of the instruments endpoint's answer).
      const loaded: Instrument[] = await adapter.fetchInstruments(new InProcessRest(server, clock, () => {}));
      sink.write({ type: 'instruments', ts: now(), venue, specs: loaded.map(instrumentSpec) });
      const depth = adapter.defaultDepth;
      const url = new URL(adapter.connectUrl(server.wsUrl));
      const path = url.pathname + url.search;
      for (const group of planConnections(adapter, loaded, () => false, depth)) {
        const conn = openConnection(server, venue, ++connections, path, record);
        const topics = [...(adapter.sharedTopics?.() ?? []), ...group.topics];
        for (const frame of adapter.subscribeFrames(topics, connections)) server.protocol.message(server, conn, frame);
        // A REST-synced venue's books start from a snapshot per instrument once subscribed.
        if (adapter.resync === 'rest-snapshot' && adapter.fetchSnapshot) {
          for (const inst of group.instruments) await adapter.fetchSnapshot(http, inst, depth, now);
        }
      }
    }
    const steps = Math.ceil(o.durationMs / stepMs);
    for (let i = 0; i < steps; i++) {
      cluster.step();
      clock.set(cluster.generator.time);
      await sink.flush();
    }
  } finally {
    await cluster.close();
    await sink.close();
  }
  const instruments = venues.reduce((n, v) => n + cluster.instruments(v).length, 0);
  return { file: o.file, venues, instruments, connections, lines: sink.lines, frames, rest, bytes: sink.bytes, firstTs: firstTs ?? startTime, lastTs };
}
