/**
 * Reconciliation against a scripted venue: the grace period, an order placed behind the daemon's
 * back, a position closed behind its back, missing local orders queried first, adopt.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { Reconciler, canonicalQty, compare, type VenueIntegrity } from '../../src/execution/reconciler.ts';
import type { PrivateAdapter, VenueOrder, VenuePosition } from '../../src/execution/types.ts';

const order = (cid: string, symbol = 'BTCUSDT'): VenueOrder => ({ symbol, clientOrderId: cid, venueOrderId: `v-${cid}`, side: 'buy', qty: '1', filledQty: '0', status: 'new', updatedAt: 0, price: '100' });

function setup() {
  const clock = new ManualClock(0);
  const venue = { orders: [] as VenueOrder[], positions: [] as VenuePosition[] };
  const adapter = {
    openOrders: async () => venue.orders,
    positions: async () => venue.positions,
    balances: async () => [{ asset: 'USDT', total: '1000', free: '900' }],
  } as unknown as PrivateAdapter;
  const local = { orders: [] as { clientOrderId: string; symbol: string }[], positions: new Map<string, string>() };
  const logs: { type: string; data: Record<string, unknown> }[] = [];
  const changes: VenueIntegrity[] = [];
  const synced: string[] = [];
  let syncAnswer: VenueOrder | undefined;
  const rec = new Reconciler(
    {
      clock,
      logger: silentLogger(),
      adapter: () => adapter,
      local: { openOrders: () => local.orders, positions: () => local.positions },
      sync: async (cid) => {
        synced.push(cid);
        return syncAnswer;
      },
      adoptBalances: () => {},
      log: (type, data) => void logs.push({ type, data }),
      changed: (_v, i) => void changes.push(i),
      intervalMs: 5_000,
      graceMs: 1_000,
    },
    ['bybit-linear'],
  );
  return { clock, venue, local, logs, changes, synced, rec, setSync: (v: VenueOrder | undefined) => (syncAnswer = v) };
}

describe('compare', () => {
  it('finds unknown venue orders and position differences, canonical sizes compared', () => {
    expect(canonicalQty('-0.500')).toBe('-0.5');
    expect(canonicalQty('0.000')).toBe('0');
    const m = compare([{ clientOrderId: 'a', symbol: 'X' }], [order('a'), order('b')], new Map([['BTCUSDT', '0.50'], ['ETHUSDT', '1']]), [{ symbol: 'BTCUSDT', qty: '0.5', entryPrice: '1' }]);
    expect(m).toEqual([
      expect.objectContaining({ kind: 'unknown-order', clientOrderId: 'b' }),
      { kind: 'position', symbol: 'ETHUSDT', local: '1', venue: '0' },
    ]);
  });
});

describe('Reconciler', () => {
  it('a venue is unknown until its first clean check, then ok', async () => {
    const { rec } = setup();
    expect(rec.integrity('bybit-linear')?.state).toBe('unknown');
    expect((await rec.run('bybit-linear')).state).toBe('ok');
  });

  it('an order placed behind the daemon\'s back is INTEGRITY_BROKEN once it outlives the grace period', async () => {
    const { rec, venue, clock, logs, changes } = setup();
    await rec.run('bybit-linear');
    venue.orders.push(order('manual-1'));
    expect((await rec.run('bybit-linear')).state).toBe('ok');
    clock.advance(1_000);
    const after = await rec.run('bybit-linear');
    expect(after).toMatchObject({ state: 'broken', mismatches: [expect.objectContaining({ kind: 'unknown-order', clientOrderId: 'manual-1' })] });
    expect(logs.map((l) => l.type)).toContain('INTEGRITY_BROKEN');
    expect(changes.map((c) => c.state)).toEqual(['ok', 'broken']);
    // Broken stays broken even when the order goes away, until the operator acts.
    venue.orders.length = 0;
    expect((await rec.run('bybit-linear')).state).toBe('broken');
  });

  it('a position closed behind the daemon\'s back is a mismatch; adopt takes the venue state', async () => {
    const { rec, local, clock } = setup();
    local.positions.set('BTCUSDT', '0.5');
    await rec.run('bybit-linear');
    clock.advance(1_000);
    expect(await rec.run('bybit-linear')).toMatchObject({ state: 'broken', mismatches: [{ kind: 'position', symbol: 'BTCUSDT', local: '0.5', venue: '0' }] });
    const adopted = await rec.adopt('bybit-linear', (positions) => {
      local.positions.clear();
      for (const p of positions) local.positions.set(p.symbol, p.qty);
    });
    expect(adopted.state).toBe('ok');
  });

  it('a fill in flight (difference gone by the next check) raises nothing', async () => {
    const { rec, local, venue, clock, logs } = setup();
    venue.positions.push({ symbol: 'BTCUSDT', qty: '1', entryPrice: '100' });
    await rec.run('bybit-linear');
    clock.advance(500);
    local.positions.set('BTCUSDT', '1');
    clock.advance(1_000);
    expect((await rec.run('bybit-linear')).state).toBe('ok');
    expect(logs.map((l) => l.type)).not.toContain('INTEGRITY_BROKEN');
  });

  it('local orders the venue no longer lists are queried; one the venue never knew is missing', async () => {
    const { rec, local, synced, clock, setSync } = setup();
    local.orders.push({ clientOrderId: 'mine-1', symbol: 'BTCUSDT' });
    setSync({ ...order('mine-1'), status: 'filled' });
    expect((await rec.run('bybit-linear')).state).toBe('ok');
    expect(synced).toEqual(['mine-1']);
    setSync(undefined);
    await rec.run('bybit-linear');
    clock.advance(1_000);
    expect(await rec.run('bybit-linear')).toMatchObject({ state: 'broken', mismatches: [{ kind: 'missing-order', clientOrderId: 'mine-1' }] });
  });
});
