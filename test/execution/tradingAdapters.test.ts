/**
 * Which adapter trades where, and the paper adapter's book: it is seeded whenever a book becomes
 * synced, including a book synced by a message on a connection not yet adopted (a message the
 * market never published as an event), so a paper order never meets an empty book the daemon
 * itself trusts.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { defaultConfig } from '../../src/config/load.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { BookSync } from '../../src/market/bookSync.ts';
import { MarketData } from '../../src/market/marketData.ts';
import { adapterKind, paperAdapter } from '../../src/execution/tradingAdapters.ts';

const BTC = makeInstrument({ venue: 'hyperliquid', symbol: 'BTC', kind: 'perp', base: 'BTC', quote: 'USDC', tickSize: '1', lotSize: '0.001' });

describe('adapterKind', () => {
  it('gives the venue API in SIM and LIVE, paper in DRY and where no private adapter exists, nothing in SIGNAL or LIVE without one', () => {
    expect(adapterKind('sim', 'bybit-linear')).toBe('venue');
    expect(adapterKind('live', 'okx')).toBe('venue');
    expect(adapterKind('dry', 'okx')).toBe('paper');
    expect(adapterKind('sim', 'hyperliquid')).toBe('paper');
    expect(adapterKind('live', 'hyperliquid')).toBe('none');
    expect(adapterKind('signal', 'bybit-linear')).toBe('none');
  });
});

describe('paperAdapter', () => {
  it('copies a book in when it becomes synced on a connection adopted after its snapshot', async () => {
    const clock = new ManualClock(1_000);
    const market = new MarketData({ tapeSize: 100, schedule: (fn) => fn() });
    market.registry.upsert([BTC]);
    market.feed(BTC);
    const { adapter, feed } = paperAdapter(defaultConfig(), 'sim', 'hyperliquid', [BTC], { clock, market, fees: { maker: 0, taker: 0.00035 } });
    await adapter.start();
    // The snapshot lands on a connection's own sync before the market reads from it: no event.
    const sync = new BookSync(BTC.id, 'hyperliquid');
    market.ingest({ kind: 'book.snapshot', instrument: BTC.id, tsEvent: 1_000, tsRecv: 1_000, seq: 1, bids: [99_000, 1_000], asks: [99_010, 2_000] }, sync);
    await expect(adapter.place({ symbol: 'BTC', clientOrderId: '0x1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.5' })).rejects.toThrow(/no liquidity/);
    market.adopt(sync);
    const filled = await adapter.place({ symbol: 'BTC', clientOrderId: '0x2', side: 'buy', type: 'market', tif: 'IOC', qty: '0.5' });
    expect(filled).toMatchObject({ status: 'filled', filledQty: '0.500', avgPrice: '99010' });
    feed?.unsubscribe();
    await adapter.stop();
  });

  it('follows a book from its first order: the engine meets the book the market holds, then every later change', async () => {
    const clock = new ManualClock(1_000);
    const market = new MarketData({ tapeSize: 100, schedule: (fn) => fn() });
    market.registry.upsert([BTC]);
    market.feed(BTC);
    const sync = new BookSync(BTC.id, 'hyperliquid');
    market.adopt(sync);
    market.ingest({ kind: 'book.snapshot', instrument: BTC.id, tsEvent: 1_000, tsRecv: 1_000, seq: 1, bids: [99_000, 1_000], asks: [99_010, 200, 99_020, 2_000] }, sync);
    const { adapter, feed } = paperAdapter(defaultConfig(), 'sim', 'hyperliquid', [BTC], { clock, market, fees: { maker: 0, taker: 0.00035 } });
    await adapter.start();
    // Changes before any order: the best ask grows to 0.3, a new level at 99015 appears.
    market.ingest({ kind: 'book.snapshot', instrument: BTC.id, tsEvent: 1_001, tsRecv: 1_001, seq: 2, bids: [99_000, 1_000], asks: [99_010, 300, 99_015, 100, 99_020, 2_000] }, sync);
    const first = await adapter.place({ symbol: 'BTC', clientOrderId: '0x1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.4' });
    // 0.3 at 99010 and 0.1 at 99015: the book as the market held it when the order came.
    expect(first).toMatchObject({ status: 'filled', filledQty: '0.400', avgPrice: '99011.25' });
    // From now on every change reaches the engine: the 99020 level is replaced by 99030.
    market.ingest({ kind: 'book.snapshot', instrument: BTC.id, tsEvent: 1_002, tsRecv: 1_002, seq: 3, bids: [99_000, 1_000], asks: [99_030, 500] }, sync);
    const second = await adapter.place({ symbol: 'BTC', clientOrderId: '0x2', side: 'buy', type: 'market', tif: 'IOC', qty: '0.5' });
    expect(second).toMatchObject({ status: 'filled', filledQty: '0.500', avgPrice: '99030' });
    feed?.unsubscribe();
    await adapter.stop();
  });
});
