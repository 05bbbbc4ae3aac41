import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { configSchema, DEFAULT_HIGH_RATE_TYPES } from '../../src/config/schema.ts';
import { RetentionJob, type RetentionBatch, type RetentionOptions } from '../../src/runtime/retention.ts';
import type { DaySummary } from '../../src/runtime/retentionSummary.ts';
import type { EventRecord, NewEvent } from '../../src/runtime/eventLog.ts';
import { formatAuditRow, TRADE_AUDIT_HEADER } from '../../src/execution/tradeAudit.ts';
import { collect, openPersistence, tempDir, type Persistence } from '../helpers.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse('2026-01-01T00:00:00Z');
/** Day 99, 14:00 UTC: the high-rate cutoff is day 98 14:00, the audit cutoff day 9 14:00. */
const NOW = START + 99 * DAY + 14 * HOUR;
const HIGH = new Set<string>(DEFAULT_HIGH_RATE_TYPES);

/** One of each kind of record the daemon writes, per seeded moment. */
function kinds(i: number): NewEvent[] {
  return [
    { type: 'transition', actor: 'symbol:bybit-linear:BTCUSDT', from: 'FLAT', event: 'market.tick', to: 'WATCHING' },
    { type: 'order.fill', actor: `order:c${i}`, data: { qty: '1' } },
    { type: 'risk.breaker', data: { venue: 'okx' } },
    { type: 'saga.finished', actor: `saga:s${i}` },
    { type: 'symbol.armed', actor: 'symbol:bybit-linear:BTCUSDT', data: { side: 'long' } },
    { type: 'symbol.regime', actor: 'symbol:bybit-linear:ETHUSDT', data: { from: 'calm', to: 'trend' } },
    { type: 'arb.declined', actor: 'route:BTC:okx:bitget', data: { reason: 'edge' } },
    { type: 'signal.emitted', actor: 'symbol:bybit-linear:BTCUSDT' },
    { type: 'signal.closed', actor: 'symbol:bybit-linear:BTCUSDT', data: { outcome: i % 2 ? 'win' : 'loss' } },
    { type: 'connector.down', actor: 'connector:okx', data: { venue: 'okx' } },
    { type: 'notify.failed', data: { channel: 'webhook' } },
  ];
}

const options = (o: Partial<RetentionOptions> = {}): RetentionOptions => ({
  ...configSchema.parse({}).retention,
  // An operator listing audit types as high-rate must not get them deleted early.
  highRateTypes: [...DEFAULT_HIGH_RATE_TYPES, 'transition', 'order.*', 'risk.*'],
  batchSize: 100,
  ...o,
});

describe('RetentionJob', () => {
  let dir: { dir: string; cleanup: () => void };
  let clock: ManualClock;
  let p: Persistence;
  let batches: RetentionBatch[];

  const job = (o: Partial<RetentionOptions> = {}, onBatch?: (b: RetentionBatch) => void): RetentionJob =>
    new RetentionJob({
      clock,
      logger: silentLogger(),
      store: p.store,
      eventLog: p.log,
      dataDir: dir.dir,
      options: () => options(o),
      onBatch: (b) => {
        batches.push(b);
        onBatch?.(b);
      },
    });

  /** Seeds records at hours 1, 13 and 15 of each of the 100 days; returns them. */
  async function seed(): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    for (let d = 0; d < 100; d++) {
      for (const h of [1, 13, 15]) {
        kinds(d).forEach((e, k) => out.push(p.log.append({ ...e, ts: START + d * DAY + h * HOUR + k * 1000 })));
      }
    }
    await p.queue.flush();
    return out;
  }

  const doomed = (r: EventRecord): boolean => r.ts < NOW - 90 * DAY || (r.ts < NOW - 24 * HOUR && HIGH.has(r.type));

  beforeEach(async () => {
    dir = tempDir();
    clock = new ManualClock(NOW);
    p = await openPersistence(dir.dir, clock);
    batches = [];
  });
  afterEach(async () => {
    await p.close().catch(() => {});
    dir.cleanup();
  });

  it('removes high-rate records past the horizon and the rest past the audit horizon, nothing else', async () => {
    const seeded = await seed();
    await p.store.meta.put('scalper.signals', '{"profiles":{"bybit-linear:BTCUSDT":{}}}');
    await p.store.features.put('bybit-linear:BTCUSDT\u00000', '{"x":1}');
    const pass = await job().runOnce(NOW);

    const left = (await collect(p.log.query())).filter((r) => r.type !== 'retention.pass');
    const expected = seeded.filter((r) => !doomed(r));
    expect(left.map((r) => r.seq)).toEqual(expected.map((r) => r.seq));
    expect(pass.removedTotal).toBe(seeded.length - expected.length);
    // Inside the audit horizon every transition, order, fill, risk and saga record is still there.
    const audit = seeded.filter((r) => r.ts >= NOW - 90 * DAY && /^(transition|order\.|risk\.|saga\.)/.test(r.type));
    expect(audit.length).toBeGreaterThan(0);
    expect(left.filter((r) => /^(transition|order\.|risk\.|saga\.)/.test(r.type)).map((r) => r.seq)).toEqual(audit.map((r) => r.seq));
    // High-rate records of the last 24 h stay; day 9's 15:00 records (inside 90 days) stay if not high-rate.
    expect(left.some((r) => r.type === 'symbol.armed' && r.ts === START + 98 * DAY + 15 * HOUR + 4000)).toBe(true);
    expect(left.some((r) => r.type === 'symbol.armed' && r.ts === START + 98 * DAY + 13 * HOUR + 4000)).toBe(false);
    expect(left.some((r) => r.type === 'order.fill' && r.ts === START + 9 * DAY + 15 * HOUR + 1000)).toBe(true);
    expect(left.some((r) => r.ts < START + 9 * DAY + 14 * HOUR)).toBe(false);
    // Per-symbol profiles and feature readings are untouched.
    expect(await p.store.meta.get('scalper.signals')).toContain('profiles');
    expect(await p.store.features.get('bybit-linear:BTCUSDT\u00000')).toBe('{"x":1}');
    expect(batches.length).toBe(pass.batches);
    expect(batches.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps the type, actor and time indexes consistent with the surviving records', async () => {
    const seeded = await seed();
    await job().runOnce(NOW);
    const left = await collect(p.log.query());
    const seqs = new Set(left.map((r) => r.seq));
    // No dangling index key.
    for (const key of await p.store.eventsByType.keys().all()) expect(seqs.has(Number(key.split('\u0000')[1]))).toBe(true);
    for (const key of await p.store.eventsByActor.keys().all()) expect(seqs.has(Number(key.split('\u0000')[1]))).toBe(true);
    for (const v of await p.store.eventsBySecond.values().all()) expect(seqs.has(Number(v))).toBe(true);
    // Every surviving record is indexed.
    expect((await p.store.eventsByType.keys().all()).length).toBe(left.length);
    expect((await p.store.eventsByActor.keys().all()).length).toBe(left.filter((r) => r.actor !== undefined).length);
    const survivors = seeded.filter((r) => !doomed(r));
    const same = async (q: Parameters<typeof p.log.query>[0], f: (r: EventRecord) => boolean): Promise<void> => {
      expect((await collect(p.log.query(q))).map((r) => r.seq)).toEqual(survivors.filter(f).map((r) => r.seq));
    };
    await same({ actor: 'symbol:bybit-linear:BTCUSDT' }, (r) => r.actor === 'symbol:bybit-linear:BTCUSDT');
    await same({ actor: 'symbol:*' }, (r) => r.actor?.startsWith('symbol:') === true);
    await same({ type: 'symbol.regime' }, (r) => r.type === 'symbol.regime');
    await same({ type: 'transition' }, (r) => r.type === 'transition');
    for (const [since, until] of [
      [START + 50 * DAY + 13 * HOUR + 4000, START + 50 * DAY + 15 * HOUR + 5000],
      [START + 9 * DAY, START + 11 * DAY],
      [START + 98 * DAY + 13 * HOUR, NOW],
    ] as const) {
      await same({ since, until }, (r) => r.ts >= since && r.ts <= until);
    }
  });

  it('never reuses a seq: lastSeq survives the pass and a reopen, the next append continues it', async () => {
    await seed();
    const before = p.log.lastSeq;
    const pass = await job().runOnce(NOW);
    expect(pass.seq).toBe(before + 1);
    expect(p.log.lastSeq).toBe(before + 1);
    expect(p.log.append({ type: 'x' }).seq).toBe(before + 2);
    await p.close();
    p = await openPersistence(dir.dir, clock);
    expect(p.log.lastSeq).toBe(before + 2);
    expect(p.log.append({ type: 'y' }).seq).toBe(before + 3);
  });

  it('keeps a summary of every day it prunes, with trades from the audit and the day counts', async () => {
    const day50 = START + 50 * DAY;
    const trade = (id: string, pnl: string, strategy: 'scalper' | 'arbitrage') =>
      formatAuditRow({ id, strategy, instruments: ['okx:BTC-USDT-SWAP'], opened: day50 + HOUR, closed: day50 + 2 * HOUR, side: 'buy', qty: '1', entry: '100', exit: '101', fees: '0.1', slippageBps: 0, latencyMs: 3, pnl });
    writeFileSync(join(dir.dir, 'trade_audit.csv'), [TRADE_AUDIT_HEADER, trade('t1', '1.5', 'scalper'), trade('t2', '-0.25', 'arbitrage')].join('\n') + '\n');
    const seeded = await seed();
    const pass = await job().runOnce(NOW);

    const keys = await p.store.meta.keys({ gte: 'retention.day.', lt: 'retention.day.\uffff' }).all();
    const prunedDays = [...new Set(seeded.filter(doomed).map((r) => new Date(r.ts).toISOString().slice(0, 10)))].sort();
    expect(prunedDays.length).toBe(99);
    expect(keys.map((k) => k.slice('retention.day.'.length))).toEqual(prunedDays);
    expect([...pass.summarized].sort()).toEqual(prunedDays);

    const s = JSON.parse((await p.store.meta.get('retention.day.2026-02-20'))!) as DaySummary;
    expect(s.day).toBe('2026-02-20');
    expect(s.records).toBe(33);
    expect(s.counts['symbol.armed']).toBe(3);
    expect(s.trades).toMatchObject({ count: 2, wins: 1, losses: 1, pnl: '1.25', fees: '0.2' });
    expect(s.trades.byStrategy.scalper).toEqual({ count: 1, pnl: '1.5' });
    expect(s.signals).toEqual({ emitted: 3, closed: 3, byOutcome: { loss: 3 } });
    expect(s.regimeChanges).toBe(3);
    expect(s.errors).toEqual({ total: 6, byType: { 'connector.down': 3, 'notify.failed': 3 } });
    expect(s.removed).toEqual({ 'symbol.armed': 3, 'symbol.regime': 3, 'arb.declined': 3 });
    // A day pruned whole past the audit horizon says so.
    const old = JSON.parse((await p.store.meta.get('retention.day.2026-01-02'))!) as DaySummary;
    expect(Object.values(old.removed).reduce((a, b) => a + b, 0)).toBe(33);
  });

  it('logs each pass as a retention.pass record, and a second pass removes nothing', async () => {
    const seeded = await seed();
    const first = await job().runOnce(NOW);
    const recs = await collect(p.log.query({ type: 'retention.pass' }));
    expect(recs).toHaveLength(1);
    const data = recs[0]!.data as { removed: Record<string, number>; removedTotal: number; cutoffs: { highRate: number; audit: number } };
    const counts: Record<string, number> = {};
    for (const r of seeded.filter(doomed)) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(data.removed).toEqual(counts);
    expect(data.removedTotal).toBe(first.removedTotal);
    expect(data.cutoffs).toEqual({ highRate: NOW - 24 * HOUR, audit: NOW - 90 * DAY });

    const leftBefore = (await collect(p.log.query())).map((r) => r.seq);
    batches = [];
    const second = await job().runOnce(NOW);
    expect(second.removedTotal).toBe(0);
    expect(second.summarized).toEqual([]);
    expect(batches).toEqual([]);
    expect((await collect(p.log.query())).map((r) => r.seq)).toEqual([...leftBefore, second.seq]);
  });

  it('deletes 50,000 records in batches while appends from a trading loop interleave and stay readable', async () => {
    for (let i = 0; i < 50_000; i++) p.log.append({ type: 'symbol.armed', actor: `symbol:bybit-linear:S${i % 200}`, ts: NOW - 2 * DAY + i });
    await p.queue.flush();
    const firstTradingSeq = p.log.lastSeq + 1;
    const appended: { seq: number; duringBatch: number }[] = [];
    let done = false;
    const trade = (): void => {
      if (done) return;
      appended.push({ seq: p.log.append({ type: 'trading.tick', actor: 'symbol:bybit-linear:BTCUSDT' }).seq, duringBatch: batches.length });
      setTimeout(trade, 1); // a steady trading loop, about one append per millisecond
    };
    setImmediate(trade);
    const pass = await job({ batchSize: 1000 }).runOnce(NOW);
    done = true;
    await p.queue.flush();

    expect(pass.removed).toEqual({ 'symbol.armed': 50_000 });
    expect(batches).toHaveLength(50);
    expect(batches.every((b) => b.records === 1000 && b.phase === 'high-rate')).toBe(true);
    // Appends landed between batches, not only before the first or after the last.
    const between = appended.filter((a) => a.duringBatch > 0 && a.duringBatch < 50);
    expect(between.length).toBeGreaterThan(0);
    const seqs = appended.map((a) => a.seq).filter((s) => s !== pass.seq);
    expect(seqs[0]).toBe(firstTradingSeq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const read = await collect(p.log.query({ type: 'trading.tick' }));
    expect(read.map((r) => r.seq)).toEqual(appended.map((a) => a.seq));
    expect(await collect(p.log.query({ type: 'symbol.armed' }))).toEqual([]);
  });

  it('deletes recordings last written before the horizon and keeps newer ones', async () => {
    const rec = join(dir.dir, 'recordings');
    mkdirSync(join(rec, 'venue'), { recursive: true });
    const file = (name: string, ageMs: number): void => {
      const path = join(rec, name);
      writeFileSync(path, 'x'.repeat(100) + '\n');
      utimesSync(path, (NOW - ageMs) / 1000, (NOW - ageMs) / 1000);
    };
    file('old.jsonl', 25 * HOUR);
    file('venue/older.jsonl', 5 * DAY);
    file('new.jsonl', 1 * HOUR);
    const pass = await job().runOnce(NOW);
    expect(pass.files).toEqual({ removed: 2, bytes: 202 });
    expect(readdirSync(rec).sort()).toEqual(['new.jsonl', 'venue']);
    expect(readdirSync(join(rec, 'venue'))).toEqual([]);
  });

  it('runs on the clock: first pass within a minute of start, then every intervalMs, none after stop', async () => {
    p.log.append({ type: 'symbol.armed', ts: NOW - 2 * DAY });
    await p.queue.flush();
    const j = job({ intervalMs: 2 * HOUR });
    j.start();
    clock.advance(59_999);
    expect(j.last()).toBeUndefined();
    clock.advance(1);
    await vi.waitFor(() => expect(j.last()).toBeDefined());
    expect(j.last()!.removedTotal).toBe(1);
    const firstSeq = j.last()!.seq;
    await vi.waitFor(() => expect(clock.pending()).toBeGreaterThan(0));
    clock.advance(2 * HOUR);
    await vi.waitFor(() => expect(j.last()!.seq).toBeGreaterThan(firstSeq));
    await j.stop();
    expect(clock.pending()).toBe(0);
  });
});
