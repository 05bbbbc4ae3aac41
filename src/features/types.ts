/**
 * The microstructure features of one symbol, as the scalper's regimes, scores and chart read
 * them. Each part is computed by its own pure module in src/features, updated incrementally per
 * book update or trade (O(1) or O(levels)), with times passed in (never read from a clock).
 * Floats are fine here: features are scores, never money.
 */

/** Order-book imbalance in [-1, 1]: (bid − ask) / (bid + ask); positive leans up. */
export interface ImbalanceView {
  /** Best bid size against best ask size. */
  readonly top: number;
  /** Sizes within `zoneBps` of the mid on each side. */
  readonly zonal: number;
}

/** A level whose size stands far above the local average. */
export interface Wall {
  readonly side: 'bid' | 'ask';
  readonly priceTicks: number;
  readonly lots: number;
  /** Size / local average size. */
  readonly multiple: number;
  /** Distance from the mid in bps. */
  readonly distanceBps: number;
  readonly since: number;
}

export interface WallsView {
  /** The largest bid and ask walls near the price, if any. */
  readonly bid: Wall | null;
  readonly ask: Wall | null;
  /** [0, 1]: how much the bid wall supports the price (size and closeness, discounted by spoofing). */
  readonly supportScore: number;
  /** [0, 1]: how much the ask wall caps it. */
  readonly resistanceScore: number;
  /** [0, 1]: share of recent walls pulled before price touched them (spoofs), weighted by size. */
  readonly spoofingScore: number;
  /** Recent outcomes per side: walls pulled before touch versus absorbed (traded into). */
  readonly pulled: { readonly bid: number; readonly ask: number };
  readonly absorbed: { readonly bid: number; readonly ask: number };
}

export interface FlowView {
  /** Aggressive volume in base over the window. */
  readonly buyVolume: number;
  readonly sellVolume: number;
  /** buy − sell, base. */
  readonly delta: number;
  /** delta / (buy + sell) in [-1, 1]; 0 with no trades. */
  readonly deltaRatio: number;
  /** Consecutive trades with the same aggressor, signed (+ buys, − sells). */
  readonly streak: number;
  /** Trades at or above the large-trade notional over the window, per side. */
  readonly largeBuys: number;
  readonly largeSells: number;
  readonly tradesPerSec: number;
}

export interface VolatilityView {
  /** Average true range of the closed 1 s and 3 s candles over the window, as a fraction of price. */
  readonly atr1s: number;
  readonly atr3s: number;
  /** [0, 1]: where the current micro-volatility sits against its own recent history. */
  readonly score: number;
  /** The latest 1 s range is far above the recent average (a sudden move). */
  readonly explosion: boolean;
}

export type PumpPhase = 'NONE' | 'PREPUMP' | 'PUMPING' | 'BLOWOFF' | 'DUMP' | 'COOLDOWN';

export interface PumpView {
  readonly phase: PumpPhase;
  /** When the phase began. */
  readonly since: number;
  /** Price change over the pump window, as a fraction. */
  readonly change: number;
}

export interface FeesView {
  /** The smallest favourable move (bps) that pays the round trip's fees plus a buffer. */
  readonly minMoveBps: number;
  /** Distance from entry to liquidation at the leverage in use, as a fraction of price. */
  readonly liquidationDistance: number;
}

export type NewsImpact = 'low' | 'medium' | 'high';

/** A news flag set over the API (POST /api/news) until a feed exists. */
export interface NewsFlag {
  readonly id: string;
  /** An instrument id, an asset (`BTC`) or `*` for the whole market. */
  readonly scope: string;
  readonly impact: NewsImpact;
  readonly type: string;
  /** When the news happened (ms). */
  readonly at: number;
  /** Until when it counts (ms). */
  readonly until: number;
}

export interface NewsView {
  /** The strongest flag in force for the symbol, or null. */
  readonly flag: NewsFlag | null;
  /** The flag is fresh: within its first minutes, when it moves prices most. */
  readonly fresh: boolean;
}

/** Everything the scalper reads about one symbol at one moment. */
export interface FeatureView {
  readonly instrument: string;
  readonly ts: number;
  /** Mid price in quote (float). */
  readonly mid: number;
  readonly spreadBps: number;
  readonly imbalance: ImbalanceView;
  readonly walls: WallsView;
  readonly flow: FlowView;
  readonly volatility: VolatilityView;
  readonly pump: PumpView;
  readonly fees: FeesView;
  readonly news: NewsView;
}
