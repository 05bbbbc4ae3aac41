/**
 * A replay through the whole daemon is deterministic: a `pump-dump` recording of the simulated
 * Bybit (made with `fleet record` against the simulator on 127.0.0.1) replayed twice gives the same
 * event log hash, at `--speed 1` and `--speed max` too, and blocks the memecoin's chart at the same
 * record every time; a recording of another seed gives another hash. The replay runs the real
 * charts: symbols are watched and blocked, and nothing reaches a venue (the store is in memory and
 * fills are paper).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readTradeAudit } from '../../src/execution/tradeAudit.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { ScaledClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { FleetConfig } from '../../src/config/schema.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import { runReplaySession, type ReplayResult } from '../../src/replay/session.ts';
import { tempDir } from '../helpers.ts';
import { runCli } from '../integration/daemon.process.ts';
import { buildReplayRecording } from '../../src/bench/replayRecording.ts';
import { replayBenchConfig, replayConfigFile } from '../../src/bench/replay.ts';

const tmp = tempDir('fleet-replay-');
const SYMBOLS = ['WIFUSDT', 'BTCUSDT', 'ETHUSDT'];

/** Records `ms` of the simulator's Bybit (seed, pump-dump) through `fleet record`. */
async function record(name: string, seed: number, ms: number): Promise<string> {
  const cluster = new SimCluster({ seed, scenario: 'pump-dump', clock: new ScaledClock(10), venues: ['bybit-linear'], stepMs: 100 });
  await cluster.listen();
  cluster.run();
  try {
    const e = cluster.endpoints()[0]!;
    const cfg = join(tmp.dir, `${name}.json`);
    writeFileSync(cfg, JSON.stringify({ venues: { 'bybit-linear': { wsUrl: e.wsUrl, restUrl: e.restUrl, symbols: SYMBOLS } } }));
    const out = join(tmp.dir, `${name}.jsonl`);
    const r = await runCli(['record', '--out', out, '--config', cfg, '--duration', `${ms}ms`]);
    expect(r.code, r.stderr).toBe(0);
    return out;
  } finally {
    await cluster.close();
  }
}

/** The replays' config file: the simulated Bybit's three symbols, the scalper's thresholds lowered. */
const CONFIG_FILE = replayConfigFile({ 'bybit-linear': { symbols: SYMBOLS } });

function replayConfig(): FleetConfig {
  return parseConfigText(JSON.stringify(CONFIG_FILE), 'json', 'replay test');
}

let n = 0;
const replay = (file: string, speed = Infinity): Promise<ReplayResult> =>
  runReplaySession({ file, config: replayConfig(), outDir: join(tmp.dir, `out-${n++}`), speed, logger: silentLogger() });

const firstBlock = (r: ReplayResult) => r.records.find((x) => x.type === 'transition' && x.actor === 'symbol:bybit-linear:WIFUSDT' && x.to === 'BLOCKED_REGIME');

let pump: string;
let other: string;
beforeAll(async () => {
  [pump, other] = await Promise.all([record('pump', 5, 12_000), record('other', 6, 4_000)]);
}, 60_000);
afterAll(() => tmp.cleanup());

describe('replay through the whole daemon', () => {
  it('gives the same event log twice, and another one for another recording', async () => {
    const a = await replay(pump);
    const b = await replay(pump);
    expect(a.stats.frames).toBeGreaterThan(100);
    expect(a.records.length).toBeGreaterThan(50);
    // The charts ran: symbols were watched, and the pump blocked the memecoin.
    expect(a.records.some((r) => r.type === 'transition' && r.actor?.startsWith('symbol:') && r.to?.startsWith('WATCHING_'))).toBe(true);
    const block = firstBlock(a);
    expect(block, 'the pump blocks WIFUSDT').toBeDefined();
    expect(b.hash).toBe(a.hash);
    expect(firstBlock(b)).toEqual(block);
    const c = await replay(other);
    expect(c.hash).not.toBe(a.hash);
  }, 120_000);

  it('`fleet replay --hash` prints the same hash as the in-process replay, and writes the report and the log', async () => {
    const cfg = join(tmp.dir, 'replay.json');
    writeFileSync(cfg, JSON.stringify(CONFIG_FILE));
    const dataDir = join(tmp.dir, 'cli-data');
    const cli = await runCli(['replay', pump, '--hash', '--config', cfg, '--data-dir', dataDir]);
    expect(cli.code, cli.stderr).toBe(0);
    const last = cli.stdout.trim().split('\n').at(-1)!;
    const inProcess = await replay(pump);
    expect(last).toBe(`sha256=${inProcess.hash}`);
    expect(cli.stderr).toMatch(/replay: \d+ instruments, \d+ frames/);
    const report = JSON.parse(readFileSync(join(dataDir, 'reports', 'replay-pump.json'), 'utf8')) as { overall: { trades: number; pnl: string } };
    const rows = readTradeAudit(join(dataDir, 'replays', 'pump', 'trade_audit.csv'));
    expect(report.overall.trades).toBe(rows.length);
    expect(readFileSync(join(dataDir, 'reports', 'replay-pump.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dataDir, 'replays', 'pump', 'events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(inProcess.records.length);
  }, 120_000);

  it('gives the same event log at recorded speed and at max speed', async () => {
    const max = await replay(pump);
    const paced = await replay(pump, 1);
    expect(paced.hash).toBe(max.hash);
    expect(paced.wallMs).toBeGreaterThan(max.wallMs);
  }, 120_000);

  it('trades on paper the same way every time: the same orders, fills and closed scalps, and a report that sums the audit', async () => {
    // 100 s of two venues (past the scalper's warm-up), built from the simulator's protocols.
    const file = join(tmp.dir, 'trading.jsonl');
    await buildReplayRecording({ file, assets: 4, durationMs: 100_000, venues: ['bybit-linear', 'binance-usdm'], scenario: 'pump-dump', seed: 3 });
    // The defaults on these venues with the scalper's thresholds lowered, as the replay bench runs.
    const config = replayBenchConfig(['bybit-linear', 'binance-usdm']);
    const run = () => runReplaySession({ file, config, outDir: join(tmp.dir, `out-${n++}`), speed: Infinity, logger: silentLogger() });
    const a = await run();
    const b = await run();
    const count = (r: ReplayResult, type: string) => r.records.filter((x) => x.type === type).length;
    expect(count(a, 'order.fill'), 'paper fills happened').toBeGreaterThan(0);
    expect(count(a, 'scalp.closed'), 'scalps were opened and closed').toBeGreaterThan(0);
    expect(b.hash).toBe(a.hash);
    // Drained out of the store every 16 records as it runs, kept nowhere but the file: the same log.
    const eventsFile = join(tmp.dir, 'trading-events.jsonl');
    const drained = await runReplaySession({ file, config, outDir: join(tmp.dir, `out-${n++}`), speed: Infinity, logger: silentLogger(), eventsFile, keepRecords: false, drainEvery: 16 });
    expect(drained.hash).toBe(a.hash);
    expect(drained.records).toEqual([]);
    expect(drained.recordCount).toBe(a.records.length);
    expect(drained.recordTypes.get('order.fill')).toBe(count(a, 'order.fill'));
    expect(readFileSync(eventsFile, 'utf8')).toBe(a.records.map((r) => JSON.stringify(r) + '\n').join(''));

    const cfg = join(tmp.dir, 'trading.json');
    writeFileSync(cfg, JSON.stringify(replayConfigFile({ 'bybit-linear': {}, 'binance-usdm': {} })));
    const dataDir = join(tmp.dir, 'trading-data');
    const cli = await runCli(['replay', file, '--hash', '--config', cfg, '--data-dir', dataDir]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim().split('\n').at(-1)).toBe(`sha256=${a.hash}`);
    const rows = readTradeAudit(join(dataDir, 'replays', 'trading', 'trade_audit.csv'));
    expect(rows.length).toBe(count(a, 'scalp.closed'));
    const report = JSON.parse(readFileSync(join(dataDir, 'reports', 'replay-trading.json'), 'utf8')) as { overall: { trades: number } };
    expect(report.overall.trades).toBe(rows.length);
  }, 120_000);
});
