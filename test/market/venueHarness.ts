/**
 * One harness for every venue: a simulated venue on 127.0.0.1 speaking the venue's protocol, the
 * real adapter, connector and market service against it, and a seeded random walk of book changes
 * and trades published through the venue's own format.
 */
import type { VenueId, FleetConfig } from '../../src/config/schema.ts';
import { writtenDecimals } from '../../src/model/scale.ts';
import { defaultConfig } from '../../src/config/load.ts';
import { SystemClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { seededRng, type Rng } from "../../src/core/rng.ts";
import type { InstrumentSpec } from '../../src/model/instrument.ts';
import { PUBLIC_ADAPTERS } from '../../src/adapters/registry.ts';
import type { PublicAdapter } from '../../src/adapters/types.ts';
import { MarketService, plainActorHost, type ActorHost } from '../../src/market/service.ts';
import type { SimVenueServer, PriceLevel } from '../../src/sim/protocolServer.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from '../../src/sim/venues/binance.ts';
import { createBybitLinearSimServer } from '../../src/sim/venues/bybit.ts';
import { createOkxSimServer } from '../../src/sim/venues/okx.ts';
import { createBitgetSimServer } from '../../src/sim/venues/bitget.ts';
import { createHyperliquidSimServer } from '../../src/sim/venues/hyperliquid.ts';

const perp = (venue: VenueId, symbol: string, tickSize: string, lotSize: string, extra: Partial<InstrumentSpec> = {}): InstrumentSpec => ({
  venue,
  symbol,
  kind: 'perp',
  base: 'BTC',
  quote: 'USDT',
  tickSize,
  lotSize,
  minQty: lotSize,
  minNotional: '5',
  ...extra,
});

export const VENUE_CASES: Record<VenueId, { specs: InstrumentSpec[]; server: (specs: InstrumentSpec[]) => SimVenueServer }> = {
  'binance-usdm': { specs: [perp('binance-usdm', 'BTCUSDT', '0.10', '0.001'), perp('binance-usdm', 'ETHUSDT', '0.01', '0.001')], server: createBinanceUsdmSimServer },
  'binance-spot': { specs: [{ ...perp('binance-spot', 'BTCUSDT', '0.01', '0.00001'), kind: 'spot' }], server: createBinanceSpotSimServer },
  'bybit-linear': { specs: [perp('bybit-linear', 'BTCUSDT', '0.10', '0.001'), perp('bybit-linear', 'ETHUSDT', '0.01', '0.01')], server: createBybitLinearSimServer },
  okx: { specs: [perp('okx', 'BTC-USDT-SWAP', '0.1', '0.01', { contractSize: '0.01' }), { ...perp('okx', 'BTC-USDT', '0.1', '0.00000001'), kind: 'spot' }], server: createOkxSimServer },
  bitget: { specs: [perp('bitget', 'BTCUSDT', '0.1', '0.0001'), { ...perp('bitget', 'BTCUSDT_SPBL', '0.01', '0.000001'), kind: 'spot' }], server: createBitgetSimServer },
  hyperliquid: { specs: [{ ...perp('hyperliquid', 'BTC', '0.1', '0.00001'), quote: 'USDC' }, { ...perp('hyperliquid', 'xyz:NVDA', '0.001', '0.001'), base: 'NVDA', quote: 'USDC' }], server: createHyperliquidSimServer },
};


/** A seeded random walk of one book on the venue's grid, as the venue's decimal strings. */
export class BookWalk {
  private readonly rng: Rng;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private mid = 1_000_000;
  private tradeId = 1;

  constructor(
    readonly spec: InstrumentSpec,
    seed: number,
  ) {
    this.rng = seededRng(seed);
  }

  private px(ticks: number): string {
    return (ticks * Number(this.spec.tickSize)).toFixed(writtenDecimals(this.spec.tickSize));
  }

  private qty(lots: number): string {
    return (lots * Number(this.spec.lotSize)).toFixed(writtenDecimals(this.spec.lotSize));
  }

  /** Returns the initial 30×30 levels. */
  initial(): { bids: PriceLevel[]; asks: PriceLevel[] } {
    for (let i = 1; i <= 30; i++) {
      this.bids.set(this.mid - i, 1 + Math.floor(this.rng.next() * 500));
      this.asks.set(this.mid + i, 1 + Math.floor(this.rng.next() * 500));
    }
    return { bids: [...this.bids].map(([p, q]) => [this.px(p), this.qty(q)]), asks: [...this.asks].map(([p, q]) => [this.px(p), this.qty(q)]) };
  }

  /** Returns one change (a few levels set or removed, never crossing) and maybe a trade. */
  next(ts: number): { change: { bids: PriceLevel[]; asks: PriceLevel[] }; trades: { id: string; price: string; qty: string; side: 'buy' | 'sell'; ts: number }[] } {
    const bids: PriceLevel[] = [];
    const asks: PriceLevel[] = [];
    for (let k = 0; k < 3; k++) {
      const isBid = this.rng.next() < 0.5;
      const side = isBid ? this.bids : this.asks;
      const offset = 1 + Math.floor(this.rng.next() * 25);
      const price = isBid ? this.mid - offset : this.mid + offset;
      const remove = side.has(price) && this.rng.next() < 0.3;
      const lots = remove ? 0 : 1 + Math.floor(this.rng.next() * 500);
      if (remove) side.delete(price);
      else side.set(price, lots);
      (isBid ? bids : asks).push([this.px(price), remove ? '0' : this.qty(lots)]);
    }
    const trades = this.rng.next() < 0.5 ? [{ id: String(this.tradeId++), price: this.px(this.mid + (this.rng.next() < 0.5 ? 1 : -1)), qty: this.qty(1 + Math.floor(this.rng.next() * 20)), side: (this.rng.next() < 0.5 ? 'buy' : 'sell') as 'buy' | 'sell', ts }] : [];
    return { change: { bids, asks }, trades };
  }
}

export interface Harness {
  readonly venue: VenueId;
  readonly server: SimVenueServer;
  readonly service: MarketService;
  readonly host: ActorHost;
  readonly walks: BookWalk[];
  readonly events: { type: string; data: Record<string, unknown> }[];
  readonly escalations: string[];
  /** Publishes `n` random changes to every instrument. */
  publish(n: number): void;
  close(): Promise<void>;
}

/** Starts a simulated venue and the market service connected to it. */
export async function startHarness(venue: VenueId, configure: (c: FleetConfig) => FleetConfig = (c) => c, adapter?: PublicAdapter): Promise<Harness> {
  const { specs, server: make } = VENUE_CASES[venue];
  const server = await make(specs).listen();
  const walks = specs.map((s, i) => new BookWalk(s, 1000 + i));
  walks.forEach((w) => server.publish(w.spec.symbol, w.initial()));
  const base = defaultConfig();
  const config = configure({
    ...base,
    venues: { [venue]: { enabled: true, wsUrl: server.wsUrl, restUrl: server.restUrl, symbols: specs.map((s) => s.symbol) } },
    market: { ...base.market, reconnect: { initialMs: 50, maxMs: 200 }, downAfterMs: 1000 },
  });
  const clock = new SystemClock();
  const host = plainActorHost(clock, silentLogger());
  const events: Harness['events'] = [];
  const escalations: string[] = [];
  const service = new MarketService({
    config,
    venues: [venue],
    adapters: adapter ? { ...PUBLIC_ADAPTERS, [venue]: adapter } : PUBLIC_ADAPTERS,
    clock,
    logger: silentLogger(),
    host,
    log: (type, _actor, data) => events.push({ type, data }),
    escalate: (reason) => escalations.push(reason),
  });
  await service.start();
  return {
    venue,
    server,
    service,
    host,
    walks,
    events,
    escalations,
    publish(n) {
      for (let i = 0; i < n; i++) for (const w of walks) {
        const { change, trades } = w.next(server.now());
        server.publish(w.spec.symbol, change, trades);
      }
    },
    async close() {
      service.stop();
      await server.close();
    },
  };
}

/** Returns the top `n` levels of the venue's book and ours, as numbers, for comparison. */
export function compareTop(h: Harness, symbol: string, n = 20): { venue: number[][]; ours: number[][] } {
  const sb = h.server.book(symbol);
  const id = `${h.venue}:${symbol}`;
  const view = h.service.market.view(id, n);
  const num = (levels: readonly (readonly [string, string])[]) => levels.map(([p, q]) => [Number(p), Number(q)]);
  return {
    venue: [...num(sb.bids.top(n)), ...num(sb.asks.top(n))],
    ours: view ? [...num(view.book.bids), ...num(view.book.asks)] : [],
  };
}
