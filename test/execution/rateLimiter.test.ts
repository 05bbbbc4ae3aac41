import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { FleetError } from '../../src/core/errors.ts';
import { RateLimiter, type VenueRateLimits } from '../../src/execution/rateLimiter.ts';
import { BINANCE_SPOT_RATE_LIMITS, BINANCE_USDM_RATE_LIMITS, binanceUsdmDepthKey } from '../../src/adapters/binance/limits.ts';
import { BYBIT_RATE_LIMITS } from '../../src/adapters/bybit/limits.ts';
import { OKX_RATE_LIMITS } from '../../src/adapters/okx/limits.ts';
import { BITGET_RATE_LIMITS } from '../../src/adapters/bitget/limits.ts';
import { HYPERLIQUID_RATE_LIMITS, hyperliquidActionWeight } from '../../src/adapters/hyperliquid/limits.ts';

/** Lets resolved promises run their continuations. */
const flush = () => new Promise<void>((r) => setImmediate(r));

function track(p: Promise<void>, log: string[], name: string): void {
  void p.then(() => log.push(name));
}

describe('RateLimiter', () => {
  it('queues a burst on a sliding window and releases each request exactly when its slot expires', async () => {
    const clock = new ManualClock(10_000);
    const rl = new RateLimiter(BYBIT_RATE_LIMITS, clock);
    const done: string[] = [];
    for (let i = 0; i < 10; i++) track(rl.acquire('order'), done, `a${i}`);
    await flush();
    expect(done).toHaveLength(10);
    clock.advance(300);
    for (let i = 0; i < 3; i++) track(rl.acquire('order'), done, `b${i}`);
    await flush();
    expect(done).toHaveLength(10);
    expect(rl.pending()).toBe(3);
    clock.advance(699); // t = 10_999: the first ten still count
    await flush();
    expect(done).toHaveLength(10);
    clock.advance(1); // t = 11_000: all ten of t = 10_000 expire
    await flush();
    expect(done.slice(10)).toEqual(['b0', 'b1', 'b2']);
  });

  it('resets a fixed window on its boundary (Binance minute weight)', async () => {
    const clock = new ManualClock(120_000 + 59_000); // one second before a minute boundary
    const rl = new RateLimiter(BINANCE_USDM_RATE_LIMITS, clock);
    const done: string[] = [];
    // 119 × 20 = 2380 weight: the cancel reserve of 40 leaves 2360 for normal requests.
    for (let i = 0; i < 118; i++) track(rl.acquire('depth:1000'), done, `d${i}`);
    await flush();
    expect(done).toHaveLength(118);
    track(rl.acquire('depth:1000'), done, 'late');
    await flush();
    expect(done).toHaveLength(118);
    clock.advance(999);
    await flush();
    expect(done).toHaveLength(118);
    clock.advance(1); // t = 180_000: new minute
    await flush();
    expect(done.at(-1)).toBe('late');
  });

  it('enforces linked limits together: 300 orders per 10 s and 1200 per minute', async () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(BINANCE_USDM_RATE_LIMITS, clock);
    let sent = 0;
    const all: Promise<void>[] = [];
    for (let i = 0; i < 1300; i++) all.push(rl.acquire('order').then(() => void sent++));
    await flush();
    expect(sent).toBe(300); // 10 s bucket binds first
    const at: number[] = [];
    for (let t = 10_000; t <= 60_000; t += 10_000) {
      clock.set(t - 1);
      await flush();
      at.push(sent);
      clock.set(t);
      await flush();
    }
    // Released at each 10 s boundary until the minute bucket (1200) binds, then at the minute.
    expect(at).toEqual([300, 600, 900, 1200, 1200, 1200]);
    expect(sent).toBe(1300);
    expect(rl.headroom()['ORDERS_1M']).toBeCloseTo(1 - 100 / 1200);
  });

  it('keeps a reserve of a shared bucket for cancels, so opens cannot starve them', async () => {
    const clock2 = new ManualClock(0);
    const rl2 = new RateLimiter(BYBIT_RATE_LIMITS, clock2);
    const seq: string[] = [];
    for (let i = 0; i < 580; i++) await rl2.acquire('orderbook'); // ip: 580 of 600, reserve 20
    track(rl2.acquire('order'), seq, 'open1');
    track(rl2.acquire('order'), seq, 'open2');
    track(rl2.acquire('cancelOrder'), seq, 'cancel');
    await flush();
    expect(seq).toEqual(['cancel']); // the cancel uses the reserve; opens wait for the window
    clock2.advance(5_000);
    await flush();
    expect(seq).toEqual(['cancel', 'open1', 'open2']);
  });

  it('serves a queued cancel before queued opens when both wait on the same bucket', async () => {
    const clock = new ManualClock(0);
    const limits: VenueRateLimits = {
      venue: 'test',
      sources: [],
      buckets: [{ id: 'w', limit: 2, windowMs: 1_000, kind: 'sliding' }],
      endpoints: { open: { costs: { w: 1 } }, cancel: { costs: { w: 1 }, priority: 'cancel' } },
    };
    const rl = new RateLimiter(limits, clock);
    const seq: string[] = [];
    await rl.acquire('open');
    await rl.acquire('open');
    track(rl.acquire('open'), seq, 'o1');
    track(rl.acquire('open'), seq, 'o2');
    track(rl.acquire('open'), seq, 'o3');
    track(rl.acquire('cancel'), seq, 'c1');
    track(rl.acquire('cancel'), seq, 'c2');
    await flush();
    expect(seq).toEqual([]);
    clock.advance(1_000);
    await flush();
    expect(seq).toEqual(['c1', 'c2']);
    clock.advance(1_000);
    await flush();
    expect(seq).toEqual(['c1', 'c2', 'o1', 'o2']); // FIFO among opens
    clock.advance(1_000);
    await flush();
    expect(seq).toEqual(['c1', 'c2', 'o1', 'o2', 'o3']);
  });

  it('blocks everything after penalize until the Retry-After has passed', async () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(HYPERLIQUID_RATE_LIMITS, clock);
    rl.penalize(2_500);
    const seq: string[] = [];
    track(rl.acquire('l2Book'), seq, 'read');
    track(rl.acquire('cancel'), seq, 'cancel');
    await flush();
    expect(seq).toEqual([]);
    expect(rl.penaltyLeftMs()).toBe(2_500);
    clock.advance(2_499);
    await flush();
    expect(seq).toEqual([]);
    clock.advance(1);
    await flush();
    expect(seq).toEqual(['cancel', 'read']);
    rl.penalize(100);
    rl.penalize(50); // a shorter penalty never shortens a longer one
    expect(rl.penaltyLeftMs()).toBe(100);
  });

  it('keeps per-instrument counters for OKX scoped limits and a shared sub-account limit', async () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(OKX_RATE_LIMITS, clock);
    let btc = 0;
    let eth = 0;
    for (let i = 0; i < 61; i++) void rl.acquire('order', { scope: 'BTC-USDT-SWAP' }).then(() => void btc++);
    for (let i = 0; i < 60; i++) void rl.acquire('order', { scope: 'ETH-USDT-SWAP' }).then(() => void eth++);
    await flush();
    // The 61st BTC order waits at the head of the FIFO, so ETH waits behind it.
    expect(btc).toBe(60);
    expect(eth).toBe(0);
    clock.advance(2_000);
    await flush();
    expect(btc).toBe(61);
    expect(eth).toBe(60);
    expect(rl.headroom()['subaccount.orders']).toBeCloseTo(1 - 61 / 1000);
  });

  it('reports headroom per bucket and charges batches by `times`', async () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(HYPERLIQUID_RATE_LIMITS, clock);
    expect(rl.headroom()).toEqual({ weight: 1 });
    await rl.acquire('meta');
    await rl.acquire('order', { times: hyperliquidActionWeight(79) });
    expect(hyperliquidActionWeight(79)).toBe(2);
    expect(rl.headroom()['weight']).toBeCloseTo(1 - 22 / 1200);
    clock.advance(60_000);
    expect(rl.headroom()['weight']).toBe(1);
  });

  it('rejects unknown endpoints and requests larger than a bucket', async () => {
    const rl = new RateLimiter(BITGET_RATE_LIMITS, new ManualClock(0));
    await expect(rl.acquire('nope')).rejects.toBeInstanceOf(FleetError);
    await expect(rl.acquire('order', { times: 11 })).rejects.toThrow(/limit/);
  });

  it('every venue table refers only to buckets it defines', () => {
    for (const l of [BINANCE_USDM_RATE_LIMITS, BINANCE_SPOT_RATE_LIMITS, BYBIT_RATE_LIMITS, OKX_RATE_LIMITS, BITGET_RATE_LIMITS, HYPERLIQUID_RATE_LIMITS]) {
      expect(() => new RateLimiter(l, new ManualClock(0))).not.toThrow();
      expect(l.sources.length).toBeGreaterThan(0);
      expect(Object.values(l.endpoints).some((e) => e.priority === 'cancel')).toBe(true);
    }
    expect(binanceUsdmDepthKey(7)).toBe('depth:10');
    expect(binanceUsdmDepthKey(1000)).toBe('depth:1000');
  });
});
