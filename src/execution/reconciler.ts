/**
 * Reconciliation: what the daemon believes (open orders, positions) against what each venue says,
 * at start, after every private-stream reconnect and every `reconcileIntervalMs`. A venue is
 * `unknown` (no new orders) until its first check passes, so the daemon never trades blind after a
 * restart. Local open orders the venue no longer lists are queried and brought in line first
 * (fills or cancels the stream missed). What remains different for longer than
 * `reconcileGraceMs` (so a fill in flight is not a false alarm) is an INTEGRITY_BROKEN event:
 * the venue is blocked until the operator adopts the venue's state or flattens it.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import type { VenueId } from '../config/schema.ts';
import type { PrivateAdapter, VenueBalance, VenueOrder, VenuePosition } from './types.ts';

export type Mismatch =
  /** Open at the venue, unknown here: placed behind the daemon's back (or by a lost run). */
  | { readonly kind: 'unknown-order'; readonly symbol: string; readonly clientOrderId: string; readonly venueOrderId: string; readonly side: string; readonly qty: string; readonly price?: string }
  /** Open here, unknown to the venue even when queried. */
  | { readonly kind: 'missing-order'; readonly symbol: string; readonly clientOrderId: string }
  /** The position sizes differ (opened or closed behind the daemon's back). */
  | { readonly kind: 'position'; readonly symbol: string; readonly local: string; readonly venue: string };

export type IntegrityState = 'unknown' | 'ok' | 'broken';

export interface VenueIntegrity {
  readonly venue: VenueId;
  readonly state: IntegrityState;
  readonly checkedAt: number | null;
  readonly mismatches: readonly Mismatch[];
  readonly error?: string;
}

export interface LocalView {
  /** Client ids and symbols of orders open here (not terminal, not DENIED). */
  openOrders(venue: VenueId): readonly { readonly clientOrderId: string; readonly symbol: string }[];
  /** Signed position sizes by native symbol (flat ones may be omitted). */
  positions(venue: VenueId): ReadonlyMap<string, string>;
}

export interface ReconcilerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  adapter(venue: VenueId): PrivateAdapter | undefined;
  readonly local: LocalView;
  /** Brings one local order in line with the venue (query + fills); resolves with what the venue said. */
  sync(clientOrderId: string): Promise<VenueOrder | undefined>;
  /** The venue's balances, adopted into the ledger. */
  adoptBalances(venue: VenueId, balances: readonly VenueBalance[]): void;
  /** Positions the venue reports (for flatten and the operator). */
  seenPositions?(venue: VenueId, positions: readonly VenuePosition[]): void;
  log(type: string, data: Record<string, unknown>, durable?: boolean): void;
  /** The integrity of a venue changed (risk blocks or unblocks it). */
  changed(venue: VenueId, integrity: VenueIntegrity): void;
  readonly intervalMs: number;
  readonly graceMs: number;
}

/** Returns the signed size as a comparable canonical decimal ("-0.50" → "-0.5", "0.000" → "0"). */
export function canonicalQty(q: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(q.trim());
  if (!m) return q;
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' ? '0' : `${m[1] === '-' ? '-' : ''}${body}`;
}

/** Returns the differences between local and venue state (orders the venue lists; positions). */
export function compare(
  localOrders: readonly { readonly clientOrderId: string; readonly symbol: string }[],
  venueOrders: readonly VenueOrder[],
  localPositions: ReadonlyMap<string, string>,
  venuePositions: readonly VenuePosition[],
  ignoredOrders: ReadonlySet<string> = new Set(),
): Mismatch[] {
  const out: Mismatch[] = [];
  const local = new Set(localOrders.map((o) => o.clientOrderId));
  for (const o of venueOrders) {
    if (local.has(o.clientOrderId) || ignoredOrders.has(o.clientOrderId)) continue;
    out.push({ kind: 'unknown-order', symbol: o.symbol, clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, side: o.side, qty: o.qty, ...(o.price ? { price: o.price } : {}) });
  }
  const venuePos = new Map<string, string>();
  for (const p of venuePositions) venuePos.set(p.symbol, canonicalQty(p.qty));
  for (const symbol of new Set([...localPositions.keys(), ...venuePos.keys()])) {
    const l = canonicalQty(localPositions.get(symbol) ?? '0');
    const v = venuePos.get(symbol) ?? '0';
    if (l !== v) out.push({ kind: 'position', symbol, local: l, venue: v });
  }
  return out;
}

const keyOf = (m: Mismatch): string => (m.kind === 'position' ? `position:${m.symbol}` : `${m.kind}:${m.clientOrderId}`);

export class Reconciler {
  private readonly state = new Map<VenueId, VenueIntegrity>();
  /** Mismatches seen but still within the grace period: key → first seen. */
  private readonly pending = new Map<VenueId, Map<string, number>>();
  /** Orders the operator adopted: tracked as the venue's, not as a mismatch. */
  private readonly adopted = new Map<VenueId, Set<string>>();
  private readonly running = new Map<VenueId, Promise<VenueIntegrity>>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly d: ReconcilerDeps,
    readonly venues: readonly VenueId[],
  ) {
    for (const v of venues) this.state.set(v, { venue: v, state: 'unknown', checkedAt: null, mismatches: [] });
  }

  start(): void {
    for (const v of this.venues) void this.run(v);
    this.timer = this.d.clock.setInterval(() => {
      for (const v of this.venues) void this.run(v);
    }, this.d.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  integrity(venue: VenueId): VenueIntegrity | undefined {
    return this.state.get(venue);
  }

  all(): VenueIntegrity[] {
    return [...this.state.values()];
  }

  /** Open orders at the venue that the operator adopted. */
  adoptedOrders(venue: VenueId): readonly string[] {
    return [...(this.adopted.get(venue) ?? [])];
  }

  /** Checks one venue now (a check already running is joined, not doubled). */
  run(venue: VenueId): Promise<VenueIntegrity> {
    const inFlight = this.running.get(venue);
    if (inFlight) return inFlight;
    const p = this.check(venue).finally(() => this.running.delete(venue));
    this.running.set(venue, p);
    return p;
  }

  /**
   * The operator takes the venue's state as the truth: unknown open orders are tracked as the
   * venue's, positions and balances as the venue reports them (`adoptPositions` sets the ledger).
   */
  async adopt(venue: VenueId, adoptPositions: (positions: readonly VenuePosition[]) => void): Promise<VenueIntegrity> {
    const adapter = this.d.adapter(venue);
    if (!adapter) throw new Error(`no trading connection for ${venue}`);
    const [orders, positions, balances] = await Promise.all([adapter.openOrders(), adapter.positions(), adapter.balances()]);
    const local = new Set(this.d.local.openOrders(venue).map((o) => o.clientOrderId));
    const set = this.adopted.get(venue) ?? new Set<string>();
    for (const o of orders) if (!local.has(o.clientOrderId)) set.add(o.clientOrderId);
    this.adopted.set(venue, set);
    adoptPositions(positions);
    this.d.adoptBalances(venue, balances);
    this.d.log('integrity.adopted', { venue, orders: [...set], positions: positions.map((p) => ({ symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice })) }, true);
    this.pending.delete(venue);
    this.set(venue, { venue, state: 'unknown', checkedAt: null, mismatches: [] });
    return this.run(venue);
  }

  private async check(venue: VenueId): Promise<VenueIntegrity> {
    const adapter = this.d.adapter(venue);
    const prev = this.state.get(venue)!;
    if (!adapter) return prev;
    const now = (): number => this.d.clock.now();
    let orders: VenueOrder[];
    let positions: VenuePosition[];
    try {
      const [o, p, b] = await Promise.all([adapter.openOrders(), adapter.positions(), adapter.balances()]);
      orders = o;
      positions = p;
      this.d.adoptBalances(venue, b);
      this.d.seenPositions?.(venue, p);
    } catch (e) {
      const error = errorMessage(e);
      this.d.logger.warn({ venue, err: error }, 'reconciliation could not read the venue');
      // A venue we cannot read is not known to be consistent: an unknown venue stays unknown.
      const next = { ...prev, error };
      this.set(venue, next);
      return next;
    }
    // Local orders the venue no longer lists: the stream missed their end; query each.
    const listed = new Set(orders.map((o) => o.clientOrderId));
    const missing: Mismatch[] = [];
    for (const o of this.d.local.openOrders(venue)) {
      if (listed.has(o.clientOrderId)) continue;
      const vo = await this.d.sync(o.clientOrderId);
      if (!vo) missing.push({ kind: 'missing-order', symbol: o.symbol, clientOrderId: o.clientOrderId });
    }
    const adopted = this.adopted.get(venue) ?? new Set<string>();
    for (const id of adopted) if (!listed.has(id)) adopted.delete(id);
    const found = [...compare(this.d.local.openOrders(venue), orders, this.d.local.positions(venue), positions, adopted), ...missing];
    // Grace: a difference must outlive an in-flight fill before it counts.
    const seen = this.pending.get(venue) ?? new Map<string, number>();
    this.pending.set(venue, seen);
    const keys = new Set(found.map(keyOf));
    for (const k of [...seen.keys()]) if (!keys.has(k)) seen.delete(k);
    for (const k of keys) if (!seen.has(k)) seen.set(k, now());
    const confirmed = found.filter((m) => now() - seen.get(keyOf(m))! >= this.d.graceMs);
    const waiting = found.length - confirmed.length;
    let next: VenueIntegrity;
    if (prev.state === 'broken') {
      // Broken stays broken until the operator acts (adopt / flatten), even if the venue changed since.
      next = { venue, state: 'broken', checkedAt: now(), mismatches: confirmed.length ? confirmed : prev.mismatches };
    } else if (confirmed.length) {
      next = { venue, state: 'broken', checkedAt: now(), mismatches: confirmed };
      this.d.logger.error({ venue, mismatches: confirmed }, 'INTEGRITY_BROKEN: local state differs from the venue; new orders blocked');
      this.d.log('INTEGRITY_BROKEN', { venue, mismatches: confirmed }, true);
    } else if (waiting > 0) {
      next = { venue, state: prev.state, checkedAt: now(), mismatches: [] };
      if (this.d.graceMs > 0) this.d.clock.setTimeout(() => void this.run(venue), this.d.graceMs);
    } else {
      next = { venue, state: 'ok', checkedAt: now(), mismatches: [] };
      if (prev.state !== 'ok') this.d.log('integrity.ok', { venue });
    }
    this.set(venue, next);
    return next;
  }

  private set(venue: VenueId, next: VenueIntegrity): void {
    const prev = this.state.get(venue);
    this.state.set(venue, next);
    if (!prev || prev.state !== next.state) this.d.changed(venue, next);
  }
}
