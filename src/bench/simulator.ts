/**
 * Measurement `sim`: frames per second the simulated venues sustain. A universe of 50 assets on
 * the six venues (each listed where its markets are), one client per venue subscribed to every
 * instrument's book and trades through the daemon's own adapters' subscribe frames, and the
 * generator stepped as fast as it goes: frames counted as the clients receive them, so the rate
 * includes generating, encoding each venue's wire format and pushing over loopback WebSockets.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { SystemClock } from '../core/clock.ts';
import { VENUE_IDS, type VenueId } from '../config/schema.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { makeInstrument } from '../model/instrument.ts';
import { SimCluster } from '../sim/cluster.ts';
import { MarketGenerator, defaultUniverse } from '../sim/market/generator.ts';
import { fmt, median, progress, spread, type Row } from './util.ts';

const ASSETS = 50;
const RUN_MS = 2000;
const RUNS = 5;

async function subscribeAll(cluster: SimCluster, venue: VenueId, counter: { frames: number; bytes: number }): Promise<WebSocket> {
  const adapter = PUBLIC_ADAPTERS[venue];
  const server = cluster.servers.get(venue)!;
  const ws = new WebSocket(adapter.connectUrl(server.wsUrl), { perMessageDeflate: false });
  ws.on('message', (d: Buffer) => {
    counter.frames++;
    counter.bytes += d.length;
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  const topics = cluster.instruments(venue).flatMap((spec) => adapter.topics(makeInstrument(spec), adapter.defaultDepth));
  for (const f of adapter.subscribeFrames(topics, 1)) ws.send(f);
  return ws;
}

/** Returns generator steps/s alone (no servers), for a universe and scenario, median of RUNS. */
function generatorAlone(extraAssets: number, scenario: 'calm' | 'news-shock'): { rate: number; books: number; notes: string } {
  const rates: number[] = [];
  let books = 0;
  for (let k = 0; k < RUNS; k++) {
    const gen = new MarketGenerator({ seed: 1 + k, scenario, startTime: 0, universe: defaultUniverse(extraAssets) });
    for (let i = 0; i < 100; i++) gen.step();
    books = gen.initialBooks().length;
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < 400) {
      gen.step();
      steps++;
    }
    rates.push(steps / ((performance.now() - t0) / 1000));
  }
  return { rate: median(rates), books, notes: spread(rates) };
}

/** Returns the table rows of the `sim` measurement. */
export async function benchSimulator(): Promise<Row[]> {
  const alone = (['calm', 'news-shock'] as const).flatMap((scenario) =>
    [0, ASSETS - 5].map((extra) => {
      const r = generatorAlone(extra, scenario);
      return {
        measurement: `  generator alone, ${r.books} books, ${scenario}`,
        value: fmt(r.rate),
        unit: 'steps/s',
        notes: `${fmt(1000 / r.rate, 2)} ms a step (budget 100 ms); ${r.notes}`,
      };
    }),
  );
  const cluster = new SimCluster({ seed: 11, scenario: 'calm', clock: new SystemClock(), universe: defaultUniverse(ASSETS - 5), startTime: 1_767_225_600_000 });
  await cluster.listen();
  const instruments = VENUE_IDS.reduce((n, v) => n + cluster.instruments(v).length, 0);
  const counter = { frames: 0, bytes: 0 };
  const clients = await Promise.all(VENUE_IDS.map((v) => subscribeAll(cluster, v, counter)));
  await new Promise((r) => setTimeout(r, 500)); // snapshots after subscribing
  const frameRates: number[] = [];
  const stepRates: number[] = [];
  let mbps = 0;
  try {
    for (let k = 0; k < RUNS; k++) {
      const f0 = counter.frames;
      const b0 = counter.bytes;
      const t0 = performance.now();
      let steps = 0;
      // Step in bursts and yield so the sockets drain: the rate is what clients receive.
      while (performance.now() - t0 < RUN_MS) {
        for (let i = 0; i < 5; i++, steps++) cluster.step();
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, 100));
      const secs = (performance.now() - t0) / 1000;
      frameRates.push((counter.frames - f0) / secs);
      stepRates.push(steps / secs);
      mbps = Math.max(mbps, (counter.bytes - b0) / secs / 2 ** 20);
      progress(`sim: run ${k + 1}: ${fmt((counter.frames - f0) / secs)} frames/s, ${fmt(steps / secs)} steps/s`);
    }
  } finally {
    for (const ws of clients) ws.close();
    await cluster.close();
  }
  return [
    {
      measurement: `sim: ${ASSETS} assets on six venues (${instruments} instruments), frames received`,
      value: fmt(median(frameRates)),
      unit: 'frames/s',
      notes: `books + trades in each venue's wire format over loopback WebSockets to one client per venue; up to ${fmt(mbps, 1)} MB/s; ${spread(frameRates)}`,
    },
    {
      measurement: '  generator steps (all instruments, 100 ms simulated each)',
      value: fmt(median(stepRates)),
      unit: 'steps/s',
      notes: `${fmt(median(stepRates) / 10, 1)}× real time at the default 100 ms step; ${spread(stepRates)}`,
    },
    ...alone,
  ];
}
