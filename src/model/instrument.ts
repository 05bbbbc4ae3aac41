/**
 * Instruments: what a venue trades and on which grid. Every price and size on the hot path is an
 * integer count of this instrument's tick or lot.
 */
import type { VenueId } from '../config/schema.ts';
import { Scale } from './scale.ts';

export type InstrumentKind = 'spot' | 'perp';
export type InstrumentStatus = 'trading' | 'halted' | 'pre-launch' | 'delisted';

export interface InstrumentSpec {
  readonly venue: VenueId;
  /** The venue's own name: BTCUSDT, BTC-USDT-SWAP, xyz:NVDA. */
  readonly symbol: string;
  readonly kind: InstrumentKind;
  readonly base: string;
  readonly quote: string;
  /** Decimal strings as the venue states them. */
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minQty?: string;
  readonly minNotional?: string;
  /** Units of base per lot-counted contract (OKX ctVal); "1" where sizes are in base. */
  readonly contractSize?: string;
  readonly status?: InstrumentStatus;
  readonly listedAt?: number;
}

export interface Instrument extends Required<Omit<InstrumentSpec, 'listedAt'>> {
  /** `<venue>:<symbol>`, the id used everywhere (CONTRACT.md). */
  readonly id: string;
  readonly price: Scale;
  readonly qty: Scale;
  readonly listedAt?: number;
}

/** Returns the instrument id `<venue>:<symbol>`. */
export function instrumentId(venue: VenueId, symbol: string): string {
  return `${venue}:${symbol}`;
}

/** Returns an instrument with its price and size scales built (throws on a bad tick or lot). */
export function makeInstrument(spec: InstrumentSpec): Instrument {
  return {
    ...spec,
    id: instrumentId(spec.venue, spec.symbol),
    minQty: spec.minQty ?? spec.lotSize,
    minNotional: spec.minNotional ?? '0',
    contractSize: spec.contractSize ?? '1',
    status: spec.status ?? 'trading',
    price: new Scale(spec.tickSize),
    qty: new Scale(spec.lotSize),
  };
}

/** Returns the plain spec of an instrument (what a recording stores and makeInstrument takes). */
export function instrumentSpec(inst: Instrument): InstrumentSpec {
  const { id: _id, price: _p, qty: _q, ...spec } = inst;
  return spec;
}

/** Looks up one venue's instruments by native symbol (what every parse function receives). */
export type InstrumentLookup = (symbol: string) => Instrument | undefined;

/** All known instruments, by id and by venue and native symbol. */
export class InstrumentRegistry {
  private readonly byId = new Map<string, Instrument>();
  private readonly byVenue = new Map<VenueId, Map<string, Instrument>>();

  /** Adds or replaces instruments; returns the ones that were not known before (new listings). */
  upsert(list: Iterable<Instrument>): Instrument[] {
    const added: Instrument[] = [];
    for (const inst of list) {
      if (!this.byId.has(inst.id)) added.push(inst);
      this.byId.set(inst.id, inst);
      let venue = this.byVenue.get(inst.venue);
      if (!venue) this.byVenue.set(inst.venue, (venue = new Map()));
      venue.set(inst.symbol, inst);
    }
    return added;
  }

  get(id: string): Instrument | undefined {
    return this.byId.get(id);
  }

  /** Returns the lookup a venue's parser uses. */
  lookup(venue: VenueId): InstrumentLookup {
    return (symbol) => this.byVenue.get(venue)?.get(symbol);
  }

  ofVenue(venue: VenueId): Instrument[] {
    return [...(this.byVenue.get(venue)?.values() ?? [])];
  }

  get size(): number {
    return this.byId.size;
  }
}
