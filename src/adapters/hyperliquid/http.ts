/**
 * Hyperliquid info endpoints used by the public adapter (all POST /info), through RestClient.
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import { makeInstrument, type Instrument } from '../../model/instrument.ts';
import type { BookSnapshot } from '../../model/market.ts';
import type { RestClient } from '../rest.ts';
import { HYPERLIQUID_INFO_PATH } from './constants.ts';
import type { HyperliquidRestMeta, HyperliquidRestPerpDexs, HyperliquidRestSpotMeta } from './messages.ts';
import { parseHyperliquidL2Book } from './parse.ts';
import { hyperliquidInstrumentSpec } from './symbols.ts';

function invalid(what: string): FleetError {
  return new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `hyperliquid ${what}`, 'retryable');
}

/** Returns the `meta` of the main dex (no `dex`) or of one HIP-3 dex. */
export async function fetchHyperliquidMeta(rest: RestClient, dex?: string): Promise<HyperliquidRestMeta> {
  const meta = await rest.post<HyperliquidRestMeta>(HYPERLIQUID_INFO_PATH, dex === undefined ? { type: 'meta' } : { type: 'meta', dex });
  if (typeof meta !== 'object' || meta === null || !Array.isArray(meta.universe)) throw invalid(`meta${dex ? ` ${dex}` : ''}: no universe`);
  return meta;
}

/** Returns the HIP-3 dex names (the main dex, listed as null, left out). */
export async function fetchHyperliquidPerpDexs(rest: RestClient): Promise<string[]> {
  const dexs = await rest.post<HyperliquidRestPerpDexs>(HYPERLIQUID_INFO_PATH, { type: 'perpDexs' });
  if (!Array.isArray(dexs)) throw invalid('perpDexs: not a list');
  return dexs.flatMap((d) => (d && typeof d.name === 'string' && d.name !== '' ? [d.name] : []));
}

/** Returns spot token names by index (to name a HIP-3 dex's collateral). */
export async function fetchHyperliquidTokenNames(rest: RestClient): Promise<Map<number, string>> {
  const spot = await rest.post<HyperliquidRestSpotMeta>(HYPERLIQUID_INFO_PATH, { type: 'spotMeta' });
  if (typeof spot !== 'object' || spot === null || !Array.isArray(spot.tokens)) throw invalid('spotMeta: no tokens');
  return new Map(spot.tokens.map((t) => [t.index, t.name]));
}

/**
 * Returns every perp: the main dex's universe plus each HIP-3 dex's (names `xyz:NVDA`). The
 * quote is the dex's collateral token: USDC (token 0) unless the dex says otherwise, in which case
 * spotMeta names it. A row whose grid cannot be built is skipped rather than failing the universe.
 */
export async function fetchHyperliquidInstruments(rest: RestClient): Promise<Instrument[]> {
  const metas: HyperliquidRestMeta[] = [await fetchHyperliquidMeta(rest)];
  for (const dex of await fetchHyperliquidPerpDexs(rest)) metas.push(await fetchHyperliquidMeta(rest, dex));
  const needsNames = metas.some((m) => (m.collateralToken ?? 0) !== 0);
  const tokens = needsNames ? await fetchHyperliquidTokenNames(rest) : new Map<number, string>();
  const out: Instrument[] = [];
  const seen = new Set<string>();
  for (const meta of metas) {
    const collateral = meta.collateralToken ?? 0;
    const quote = collateral === 0 ? 'USDC' : (tokens.get(collateral) ?? `token${collateral}`);
    for (const asset of meta.universe) {
      if (typeof asset?.name !== 'string' || typeof asset.szDecimals !== 'number' || seen.has(asset.name)) continue;
      try {
        out.push(makeInstrument(hyperliquidInstrumentSpec(asset, quote)));
        seen.add(asset.name);
      } catch {
        // An unreadable grid: leave the coin out; the rest of the universe stays usable.
      }
    }
  }
  return out;
}

/** Returns the current full book of a coin (POST /info l2Book), seq = the venue's time. */
export async function fetchHyperliquidL2Book(rest: RestClient, inst: Instrument, _depth: number, tsRecv: () => number): Promise<BookSnapshot> {
  const body = await rest.post<unknown>(HYPERLIQUID_INFO_PATH, { type: 'l2Book', coin: inst.symbol });
  const out = parseHyperliquidL2Book(body, tsRecv(), (s) => (s === inst.symbol ? inst : undefined));
  if (!out.ok) throw invalid(`l2Book ${inst.symbol}: ${out.problem} ${out.detail}`);
  return out.snapshot;
}
