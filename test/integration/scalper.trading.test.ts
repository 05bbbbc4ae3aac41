/**
 * The scalper trading in SIM mode end to end, on a clock 10× faster than the wall: the daemon's
 * own simulated Bybit (a `calm` market) through the real adapters and the real order path.
 * Each scalp's entry goes first as a post-only limit, its TP1 clears the round trip's fees, its
 * closes are reduce-only, its chart runs ORDER_PLACED → IN_POSITION → EXITED → COOLDOWN, and
 * each closed scalp is one trade_audit.csv row (strategy `scalper`) with the PnL the log
 * recorded. Then the kill switch flattens what is open and the scalper closes its scalps on it.
 * The thresholds are lowered and the universe admits every symbol so a calm market trades within
 * seconds; maxHoldMs is short so positions close without waiting for a target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { ScaledClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords as records } from './daemon.process.ts';

const tmp = tempDir('fleet-scalp-trading-');
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.close();
  tmp.cleanup();
});

describe('scalper in SIM mode', () => {
  it('trades maker-first, fee-first, reduce-only closes, one audit row per scalp, and the kill switch leaves nothing open', async () => {
    const base = defaultConfig();
    const dataDir = join(tmp.dir, 'd');
    const d = (daemon = await startDaemon({
      config: {
        ...base,
        mode: 'sim',
        venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT'] } },
        scalper: {
          ...base.scalper,
          watchThreshold: 0.25,
          armThreshold: 0.3,
          cooldownMs: 5_000,
          universe: { ...base.scalper.universe, warmupMs: 2_000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1_000 },
          exits: { ...base.scalper.exits, maxHoldMs: 30_000 },
          signals: { ...base.scalper.signals, lossCooldownMs: 0, maxPerDay: { HIGH: 1000, MEDIUM: 1000, LOW: 1000 } },
        },
        market: { ...base.market, downAfterMs: 600_000 },
      },
      overrides: { port: 0 },
      dataDir,
      logger: silentLogger(),
      env: {},
      clock: new ScaledClock(10),
      sim: { seed: 9, scenario: 'calm' },
    }));

    const closed = await eventually(async () => {
      const list = await records(d, { type: 'scalp.closed' });
      return list.length >= 2 ? list : undefined;
    }, 'two closed scalps', 90_000);

    const intents = await records(d, { type: 'order.intent' });
    const opened = await records(d, { type: 'scalp.opened' });
    const audit = readFileSync(join(dataDir, 'trade_audit.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    for (const c of closed) {
      const data = c.data as { id: string; pnl: string; reason: string };
      const mine = intents.filter((r) => (r.data as { intentId: string }).intentId === data.id).map((r) => r.data as { leg: string; tif: string; type: string; reduceOnly: boolean; strategy: string });
      expect(mine[0]).toMatchObject({ strategy: 'scalper', leg: 'entry', tif: 'POST_ONLY', type: 'limit' });
      const exits = mine.filter((o) => o.leg === 'exit');
      expect(exits.length).toBeGreaterThan(0);
      for (const x of exits) expect(x).toMatchObject({ type: 'market', reduceOnly: true });
      // Fee-first: TP1 is at least the move that pays the fees.
      const o = opened.find((r) => (r.data as { id: string }).id === data.id)!.data as { side: 'long' | 'short'; entry: number; plan: { tp1: number; stop: number }; minMoveBps: number };
      const dir = o.side === 'long' ? 1 : -1;
      expect(((dir * (o.plan.tp1 - o.entry)) / o.entry) * 1e4).toBeGreaterThanOrEqual(o.minMoveBps - 1e-6);
      expect(dir * (o.entry - o.plan.stop)).toBeGreaterThan(0);
      // One audit row, with the PnL the log recorded.
      const rows = audit.filter((r) => r[0] === data.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]![1]).toBe('scalper');
      expect(rows[0]![12]).toBe(data.pnl);
      // The chart went through the whole trade.
      const path = (await records(d, { type: 'transition' })).filter((t) => t.actor === c.actor).map((t) => t.to);
      expect(path).toEqual(expect.arrayContaining(['ARMED_' + o.side.toUpperCase(), 'ORDER_PLACED', 'IN_POSITION', 'EXITED']));
    }

    // Wait for a scalp to be open, then pull the kill switch: the scalper closes it on the flatten.
    await eventually(async () => ((await (await fetch(`${d.url}/api/scalper`)).json()) as { active: { phase: string }[] }).active.some((t) => t.phase === 'open') || undefined, 'an open scalp', 90_000);
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const kill = await fetch(`${d.url}/api/kill-switch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'test' }) });
    expect(kill.status).toBe(200);
    await eventually(async () => {
      const s = (await (await fetch(`${d.url}/api/scalper`)).json()) as { active: unknown[] };
      const p = (await (await fetch(`${d.url}/api/trades/active`)).json()) as { positions: unknown[] };
      return s.active.length === 0 && p.positions.length === 0 || undefined;
    }, 'no scalp and no position after the kill switch', 30_000);
    // No new entry after the kill.
    const killedAt = (await records(d, { type: 'scalp.closed' })).at(-1)!.seq;
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await records(d, { type: 'scalp.entry' })).filter((r) => r.seq > killedAt)).toEqual([]);
  }, 200_000);
});
