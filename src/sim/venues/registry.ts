/**
 * Every simulated venue, by venue id: its public protocol server, its matching engine with the
 * simulated account funded, and its private side checking that account's signed requests.
 */
import { decOf, decText, div, mul, parseDec } from '../../model/decimal.ts';
import type { Clock } from '../../core/clock.ts';
import type { VenueId } from '../../config/schema.ts';
import type { InstrumentSpec } from '../../model/instrument.ts';
import type { SimVenueServer, VenuePrivateSide } from '../protocolServer.ts';
import type { SimCredentials } from '../private/credentials.ts';
import type { SimExchange } from '../matching/types.ts';
import { createMatchingEngine } from '../matching/engine.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from './binance.ts';
import { createBybitLinearSimServer } from './bybit.ts';
import { createOkxSimServer } from './okx.ts';
import { createBitgetSimServer } from './bitget.ts';
import { createHyperliquidSimServer } from './hyperliquid.ts';
import { createBinanceSpotPrivateSide, createBinanceUsdmPrivateSide } from '../private/binance.ts';
import { createBybitPrivateSide } from '../private/bybit.ts';
import { createOkxPrivateSide } from '../private/okx.ts';
import { createBitgetPrivateSide } from '../private/bitget.ts';

export interface SimVenueContext {
  /** The venue's time (the generator's simulated clock). */
  readonly now: () => number;
  readonly clock: Clock;
  readonly credentials: SimCredentials;
  readonly startingBalance: number;
  /**
   * The base inventory a spot instrument's asset is funded with, as a decimal quantity on its lot
   * grid (undefined or "0": none), so a spot venue can sell as well as buy. Perps take none.
   */
  readonly inventory?: (spec: InstrumentSpec) => string | undefined;
}

interface Fees {
  readonly maker: number;
  readonly taker: number;
}

interface VenueParts {
  readonly server: (instruments: InstrumentSpec[], o: { now: () => number }) => SimVenueServer;
  /** Each venue's entry-tier rates (what a new account pays). */
  readonly fees: Fees;
  /** The asset the simulated account is funded in. */
  readonly quote: string;
  /** Hyperliquid signs with a wallet (EIP-712), not HMAC: it trades in paper mode, no private side. */
  readonly private?: (engine: SimExchange, creds: SimCredentials, fees: Fees, ctx: SimVenueContext) => VenuePrivateSide;
}

const PARTS: Readonly<Record<VenueId, VenueParts>> = {
  'binance-usdm': { server: createBinanceUsdmSimServer, fees: { maker: 0.0002, taker: 0.0005 }, quote: 'USDT', private: (e, c, fees, ctx) => createBinanceUsdmPrivateSide(e, c, { fees, clock: ctx.clock }) },
  'binance-spot': { server: createBinanceSpotSimServer, fees: { maker: 0.001, taker: 0.001 }, quote: 'USDT', private: (e, c, fees, ctx) => createBinanceSpotPrivateSide(e, c, { fees, clock: ctx.clock }) },
  'bybit-linear': { server: createBybitLinearSimServer, fees: { maker: 0.0002, taker: 0.00055 }, quote: 'USDT', private: (e, c, fees, ctx) => createBybitPrivateSide(e, c, { fees, clock: ctx.clock }) },
  okx: {
    server: createOkxSimServer,
    fees: { maker: 0.0002, taker: 0.0005 },
    quote: 'USDT',
    private: (e, c, fees, ctx) => createOkxPrivateSide(e, c, { clock: ctx.clock, authNow: () => ctx.clock.now(), fees: { spot: fees, swap: fees } }),
  },
  bitget: {
    server: createBitgetSimServer,
    fees: { maker: 0.0002, taker: 0.0006 },
    quote: 'USDT',
    private: (e, c, fees, ctx) => createBitgetPrivateSide(e, c, { clock: ctx.clock, authNow: () => ctx.clock.now(), fees: { spot: fees, mix: fees } }),
  },
  hyperliquid: { server: createHyperliquidSimServer, fees: { maker: 0.00015, taker: 0.00045 }, quote: 'USDC' },
};

/** Returns a venue's server with its engine funded and its private side attached. */
export function createSimVenue(venue: VenueId, instruments: InstrumentSpec[], ctx: SimVenueContext): SimVenueServer {
  const parts = PARTS[venue];
  const server = parts.server(instruments, { now: ctx.now });
  const engine = createMatchingEngine({ venue, instruments, fees: parts.fees, now: ctx.now });
  engine.deposit(ctx.credentials.account, parts.quote, String(ctx.startingBalance));
  const funded = new Set<string>([parts.quote]);
  for (const spec of instruments) {
    // One inventory per asset even when several spot markets share a base.
    if (spec.kind !== 'spot' || funded.has(spec.base)) continue;
    const qty = ctx.inventory?.(spec);
    if (qty === undefined || /^0*(\.0*)?$/.test(qty)) continue;
    engine.deposit(ctx.credentials.account, spec.base, qty);
    funded.add(spec.base);
  }
  // `partial-fill`: the next order takes half its size (at least one lot) from the book; the
  // rest rests or expires as its time in force says, as a thin book would make it.
  const place = engine.place.bind(engine);
  engine.place = (req) => {
    if (!server.take('partial-fill')) return place(req);
    const spec = instruments.find((i) => i.symbol === req.symbol);
    const step = spec ? parseDec(spec.lotSize) : undefined;
    const qty = parseDec(req.qty);
    if (!step || !qty) return place(req);
    const lots = div(qty, step, 0, 'floor');
    const half = mul(decOf(lots.v / 2n > 0n ? lots.v / 2n : 1n, 0), step);
    return place({ ...req, takeCap: decText(half) });
  };
  server.exchange = engine;
  if (parts.private) server.privateSide = parts.private(engine, ctx.credentials, parts.fees, ctx);
  return server;
}

/** Returns the fee rates a simulated venue charges (the daemon's config fallback in sim mode). */
export function simVenueFees(venue: VenueId): Fees {
  return PARTS[venue].fees;
}
