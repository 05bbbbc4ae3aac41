/**
 * The exposure watchdog fed from a real ledger: spot holdings are measured against what each
 * venue held when it was first reconciled (persisted, so a restart neither forgets nor
 * double-counts), perp positions net across venues by asset (Hyperliquid's `xyz:NVDA` is NVDA),
 * sagas in flight explain what they hold, and a finished trade's residue once accepted.
 */
import { describe, expect, it } from 'vitest';
import type { VenueId } from '../../../src/config/schema.ts';
import { makeInstrument, type Instrument } from '../../../src/model/instrument.ts';
import { Ledger } from '../../../src/risk/ledger.ts';
import type { Store } from '../../../src/runtime/store.ts';
import { ExposureTracker } from '../../../src/strategies/arbitrage/exposureTracker.ts';
import type { SagaView } from '../../../src/strategies/arbitrage/sagaRunner.ts';
import { doneOrder, sagaContext } from './sagaFixture.ts';

const SPOT = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const OKX = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01' });
const NVDA_BG = makeInstrument({ venue: 'bitget', symbol: 'NVDAUSDT', kind: 'perp', base: 'NVDA', quote: 'USDT', tickSize: '0.01', lotSize: '0.01' });
const NVDA_HL = makeInstrument({ venue: 'hyperliquid', symbol: 'xyz:NVDA', kind: 'perp', base: 'xyz:NVDA', quote: 'USDC', tickSize: '0.001', lotSize: '0.001' });
const ALL: readonly Instrument[] = [SPOT, OKX, NVDA_BG, NVDA_HL];

/** The store's meta sublevel, in memory. */
function memoryStore(): Store {
  const m = new Map<string, string>();
  return { meta: { get: async (k: string) => m.get(k), put: async (k: string, v: string) => void m.set(k, v) } } as unknown as Store;
}

let trade = 0;
function fill(ledger: Ledger, inst: Instrument, side: 'buy' | 'sell', qty: string, price: string): void {
  ledger.applyFill({ venue: inst.venue, instrument: inst.id, kind: inst.kind, base: inst.base, quote: inst.quote, side, qty, price, contractSize: inst.contractSize, fee: '0', feeAsset: inst.quote, tradeId: `t${++trade}`, ts: trade });
}

function tracker(ledger: Ledger, store: Store, sagas: () => readonly SagaView[] = () => [], reconciled = (_v: VenueId) => true): ExposureTracker {
  return new ExposureTracker({ graceMs: 1000, store, ledger: () => ledger, instrument: (id) => ALL.find((i) => i.id === id), reconciled, sagas, lotOf: () => 0.001 });
}

describe('ExposureTracker', () => {
  it('takes spot holdings at the first reconciled check as the baseline; a fill no saga explains alarms after the grace', async () => {
    const ledger = new Ledger();
    ledger.deposit('binance-spot', 'BTC', '0.25');
    ledger.deposit('binance-spot', 'USDT', '100000');
    const t = tracker(ledger, memoryStore());
    expect(t.check(0)).toEqual({ alarms: [], cleared: [] });
    fill(ledger, SPOT, 'buy', '0.01', '100000');
    expect(t.check(500).alarms).toEqual([]);
    expect(t.check(1500).alarms).toEqual([{ asset: 'BTC', unexplained: 0.01, since: 500 }]);
    // Sold back: within tolerance again, the alarm clears.
    fill(ledger, SPOT, 'sell', '0.01', '100000');
    expect(t.check(2000).cleared).toEqual(['BTC']);
  });

  it('a saga in flight explains what it holds; finished, only its accepted residue does', async () => {
    const ledger = new Ledger();
    const store = memoryStore();
    ledger.deposit('binance-spot', 'BTC', '0.25');
    ledger.deposit('okx', 'BTC', '0.25');
    const ctx = sagaContext([doneOrder({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 100 }, 100, '100'), doneOrder({ key: 'b:open', leg: 'b', purpose: 'open', side: 'sell', units: 100 }, 0, null)]);
    let state = 'orphaned';
    const t = tracker(ledger, store, () => [{ id: 's1', state, context: ctx }]);
    t.check(0);
    fill(ledger, SPOT, 'buy', '0.1', '100');
    expect(t.check(5000).alarms).toEqual([]);
    // The saga failed with the leg open: nothing explains 0.1 BTC any more.
    state = 'failed';
    t.check(6000);
    expect(t.check(7000).alarms.map((a) => [a.asset, a.unexplained])).toEqual([['BTC', 0.1]]);
    // Accepted (as a done saga's residue is), it is explained, and a restart keeps that.
    t.acceptDust(ctx, 0.1);
    expect(t.check(8000).cleared).toEqual(['BTC']);
    await new Promise((r) => setTimeout(r, 0));
    const again = tracker(ledger, store, () => []);
    await again.load();
    again.check(9000);
    expect(again.check(20_000).alarms).toEqual([]);
  });

  it('perp positions net across venues by asset: NVDA short on Bitget against xyz:NVDA long on Hyperliquid is flat', () => {
    const ledger = new Ledger();
    const t = tracker(ledger, memoryStore());
    fill(ledger, NVDA_HL, 'buy', '5.55', '180');
    fill(ledger, NVDA_BG, 'sell', '5.55', '180.2');
    t.check(0);
    expect(t.check(10_000).alarms).toEqual([]);
    fill(ledger, NVDA_BG, 'buy', '5.55', '180.1');
    t.check(11_000);
    expect(t.check(12_000).alarms.map((a) => [a.asset, a.unexplained])).toEqual([['NVDA', 5.55]]);
  });

  it('a venue not reconciled yet is not measured, and gets its baseline once it is', () => {
    const ledger = new Ledger();
    let ok = false;
    const t = tracker(ledger, memoryStore(), () => [], () => ok);
    ledger.deposit('okx', 'BTC', '0.3');
    t.check(0);
    expect(t.check(5000).alarms).toEqual([]);
    ok = true;
    // The holding found at the first check is the baseline, not exposure.
    t.check(6000);
    expect(t.check(10_000).alarms).toEqual([]);
  });
});
