/**
 * Hyperliquid wire types, as the venue sends them (decimals as strings). They stay inside this
 * folder; parse.ts turns them into model events.
 */

export interface HyperliquidLevel {
  readonly px: string;
  readonly sz: string;
  /** Number of orders at the level. */
  readonly n?: number;
}

/** A full book: `levels` is [bids, asks], best first. Also the body of POST /info l2Book. */
export interface HyperliquidL2Book {
  readonly coin: string;
  readonly time: number;
  readonly levels: readonly [readonly HyperliquidLevel[], readonly HyperliquidLevel[]];
}

export interface HyperliquidWsTrade {
  readonly coin: string;
  /** B: the buyer took liquidity; A: the seller did. */
  readonly side: 'B' | 'A';
  readonly px: string;
  readonly sz: string;
  readonly time: number;
  readonly hash: string;
  readonly tid: number;
  readonly users?: readonly [string, string];
}

export interface HyperliquidWsAllMids {
  readonly mids: Readonly<Record<string, string>>;
  readonly dex?: string;
}

export interface HyperliquidPerpAssetCtx {
  readonly funding: string;
  readonly openInterest: string;
  readonly prevDayPx?: string;
  readonly dayNtlVlm?: string;
  readonly premium?: string | null;
  readonly oraclePx: string;
  readonly markPx: string;
  readonly midPx?: string | null;
  readonly impactPxs?: readonly string[] | null;
}

export interface HyperliquidWsActiveAssetCtx {
  readonly coin: string;
  readonly ctx: HyperliquidPerpAssetCtx;
}

export interface HyperliquidWsBbo {
  readonly coin: string;
  readonly time: number;
  /** [bid, ask]; a side with no orders is null. */
  readonly bbo: readonly (HyperliquidLevel | null)[];
}

export interface HyperliquidSubscription {
  readonly type: string;
  readonly coin?: string;
  readonly dex?: string;
  readonly [other: string]: unknown;
}

export interface HyperliquidWsRequest {
  readonly method: 'subscribe' | 'unsubscribe' | 'ping';
  readonly subscription?: HyperliquidSubscription;
}

/** Every server frame: `{"channel": …, "data": …}` (pong has no data). */
export interface HyperliquidWsFrame {
  readonly channel: string;
  readonly data?: unknown;
}

export interface HyperliquidRestAsset {
  readonly name: string;
  readonly szDecimals: number;
  readonly maxLeverage?: number;
  readonly isDelisted?: boolean;
  readonly onlyIsolated?: boolean;
}

export interface HyperliquidRestMeta {
  readonly universe: readonly HyperliquidRestAsset[];
  /** Spot token index of the dex's collateral (0 = USDC); absent on older answers. */
  readonly collateralToken?: number;
  readonly marginTables?: unknown;
}

/** POST /info perpDexs: the main dex is `null`, then one entry per HIP-3 dex. */
export type HyperliquidRestPerpDexs = readonly ({ readonly name: string; readonly fullName?: string } | null)[];

export interface HyperliquidRestSpotMeta {
  readonly tokens: readonly { readonly name: string; readonly index: number; readonly szDecimals?: number }[];
  readonly universe?: unknown;
}
