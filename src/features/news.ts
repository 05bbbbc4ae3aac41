/**
 * News flags set by hand over the API (POST /api/news) until a feed exists, and the view each
 * symbol reads from them.
 *
 * Choices:
 * - A flag's scope is an instrument id (`bybit-linear:BTCUSDT`, it has a colon), an asset (`BTC`, kept
 *   upper case) or `*` for the whole market. A symbol sees the flags of its id, its base asset and `*`.
 * - A flag is in force from the moment it is set until `until` (exclusive), even when `at` is still
 *   ahead: the minutes before a scheduled release are no time to open scalps. It is `fresh` from
 *   `at` for `freshMs` (5 min), when news moves prices most.
 * - The strongest impact in force wins (high > medium > low); on a tie the most recent `at`, then
 *   the one set last, so the answer never depends on map order.
 * - Expired flags are dropped lazily, by whichever read first sees them expired.
 * - Ids are `news-<n>` from a counter the board owns (and saves in toJSON), skipping ids already
 *   taken; setting a flag with an existing id replaces it. No randomness: replays give the same ids.
 * - Bad input throws a RangeError with a message fit for the API's 400.
 */
import type { NewsFlag, NewsImpact, NewsView } from './types.ts';

export interface NewsOptions {
  /** How long after `at` a flag counts as fresh (ms, default 5 min). */
  readonly freshMs: number;
}

export const DEFAULT_NEWS_OPTIONS: NewsOptions = { freshMs: 5 * 60_000 };

export const NEWS_IMPACTS: readonly NewsImpact[] = ['low', 'medium', 'high'];

const RANK: Readonly<Record<NewsImpact, number>> = { low: 1, medium: 2, high: 3 };

const NO_NEWS: NewsView = { flag: null, fresh: false };

/** A flag as the API or a caller hands it in: the id is optional. */
export type NewsFlagInput = Omit<NewsFlag, 'id'> & { readonly id?: string };

/** The board's saved form. */
export interface NewsBoardJSON {
  readonly nextId: number;
  readonly flags: readonly NewsFlag[];
}

/** The news flags in force, by id. */
export class NewsBoard {
  readonly opts: NewsOptions;
  private readonly flags = new Map<string, { flag: NewsFlag; order: number }>();
  private nextId: number;
  private order = 0;

  constructor(opts: Partial<NewsOptions> & { readonly nextId?: number } = {}) {
    const { nextId = 1, ...rest } = opts;
    this.opts = { ...DEFAULT_NEWS_OPTIONS, ...rest };
    if (!Number.isSafeInteger(nextId) || nextId < 1) throw new RangeError(`news nextId must be a positive integer (got ${String(nextId)})`);
    if (!(this.opts.freshMs >= 0)) throw new RangeError('news freshMs must not be negative');
    this.nextId = nextId;
  }

  /** Validates and stores a flag (replacing one with the same id); returns it as stored. */
  set(input: NewsFlagInput): NewsFlag {
    const flag = validate(input, () => this.newId());
    this.flags.delete(flag.id); // re-insert so a replaced flag counts as set last
    this.flags.set(flag.id, { flag, order: this.order++ });
    return flag;
  }

  /** Removes a flag; returns false when there was none with that id. */
  clear(id: string): boolean {
    return this.flags.delete(id);
  }

  /** Returns the strongest flag in force at `ts` for an instrument and its base asset. */
  view(instrument: string, asset: string, ts: number): NewsView {
    let best: { flag: NewsFlag; order: number } | undefined;
    for (const [id, entry] of this.flags) {
      const f = entry.flag;
      if (f.until <= ts) {
        this.flags.delete(id); // deleting the current entry while iterating a Map is safe
        continue;
      }
      if (f.scope !== '*' && f.scope !== instrument && f.scope !== asset) continue;
      if (!best || stronger(entry, best)) best = entry;
    }
    if (!best) return NO_NEWS;
    const f = best.flag;
    return { flag: f, fresh: ts >= f.at && ts < f.at + this.opts.freshMs };
  }

  /** Returns every flag in force at `ts`, strongest first. */
  active(ts: number): NewsFlag[] {
    const live: { flag: NewsFlag; order: number }[] = [];
    for (const [id, entry] of this.flags) {
      if (entry.flag.until <= ts) this.flags.delete(id);
      else live.push(entry);
    }
    live.sort((a, b) => (stronger(a, b) ? -1 : stronger(b, a) ? 1 : 0));
    return live.map((e) => e.flag);
  }

  /** Returns the number of flags held (expired ones included until a read drops them). */
  get size(): number {
    return this.flags.size;
  }

  toJSON(): NewsBoardJSON {
    return { nextId: this.nextId, flags: [...this.flags.values()].map((e) => e.flag) };
  }

  /** Rebuilds a board from its saved form, validating every flag. */
  static from(json: unknown, opts: Partial<NewsOptions> = {}): NewsBoard {
    if (typeof json !== 'object' || json === null) throw new RangeError('news board JSON must be an object');
    const { nextId, flags } = json as { nextId?: unknown; flags?: unknown };
    if (typeof nextId !== 'number') throw new RangeError('news board JSON needs a numeric nextId');
    if (!Array.isArray(flags)) throw new RangeError('news board JSON needs a flags array');
    const board = new NewsBoard({ ...opts, nextId });
    for (const f of flags) {
      if (typeof f !== 'object' || f === null || typeof (f as { id?: unknown }).id !== 'string') throw new RangeError('every saved news flag needs an id');
      board.set(f as NewsFlagInput);
    }
    return board;
  }

  private newId(): string {
    let id: string;
    do id = `news-${this.nextId++}`;
    while (this.flags.has(id));
    return id;
  }
}

/** True when `a` beats `b`: higher impact, then later `at`, then set later. */
function stronger(a: { flag: NewsFlag; order: number }, b: { flag: NewsFlag; order: number }): boolean {
  const ra = RANK[a.flag.impact];
  const rb = RANK[b.flag.impact];
  if (ra !== rb) return ra > rb;
  if (a.flag.at !== b.flag.at) return a.flag.at > b.flag.at;
  return a.order > b.order;
}

/** Returns a clean flag (trimmed scope, asset upper case) or throws a RangeError saying what is wrong. */
function validate(input: NewsFlagInput, newId: () => string): NewsFlag {
  if (typeof input !== 'object' || input === null) throw new RangeError('a news flag must be an object');
  const { id, scope, impact, type, at, until } = input as Partial<Record<keyof NewsFlag, unknown>>;
  if (id !== undefined && (typeof id !== 'string' || id.trim() === '')) throw new RangeError('news id, when given, must be a non-empty string');
  if (typeof scope !== 'string' || scope.trim() === '') throw new RangeError('news scope is empty: give an instrument id, an asset or "*"');
  if (typeof impact !== 'string' || !(NEWS_IMPACTS as readonly string[]).includes(impact)) {
    throw new RangeError(`unknown news impact ${JSON.stringify(impact)}: expected low, medium or high`);
  }
  if (typeof type !== 'string' || type.trim() === '') throw new RangeError('news type is empty');
  if (typeof at !== 'number' || !Number.isFinite(at)) throw new RangeError('news at must be a time in ms');
  if (typeof until !== 'number' || !Number.isFinite(until)) throw new RangeError('news until must be a time in ms');
  if (until <= at) throw new RangeError(`news until (${until}) must be after at (${at})`);
  const s = scope.trim();
  return {
    id: id === undefined ? newId() : id.trim(),
    scope: s === '*' || s.includes(':') ? s : s.toUpperCase(),
    impact: impact as NewsImpact,
    type: type.trim(),
    at,
    until,
  };
}
