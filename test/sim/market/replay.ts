/**
 * Test support: books rebuilt from a generator's output the way a client would, every price and
 * size parsed with Scale.toInt (so anything off the grid fails loudly).
 */
import { instrumentId, type InstrumentSpec } from '../../../src/model/instrument.ts';
import { Scale } from '../../../src/model/scale.ts';
import type { PriceLevel } from '../../../src/sim/protocolServer.ts';
import type { MarketGenerator, SimStep, SimUpdate } from '../../../src/sim/market/generator.ts';
import type { VenueId } from '../../../src/config/schema.ts';
import { VENUE_IDS } from '../../../src/config/schema.ts';

export class ReplayBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Every text seen per price tick: one venue string per level, always. */
  readonly texts = new Map<number, string>();
  readonly price: Scale;
  readonly qty: Scale;

  constructor(readonly spec: InstrumentSpec) {
    this.price = new Scale(spec.tickSize);
    this.qty = new Scale(spec.lotSize);
  }

  /** Parses one level; throws when off the grid or written two ways. */
  parse([p, q]: PriceLevel): [number, number] {
    const px = this.price.toInt(p);
    const qty = this.qty.toInt(q);
    if (!Number.isInteger(px) || px <= 0) throw new Error(`${this.spec.symbol}: price ${p} off the ${this.spec.tickSize} grid`);
    if (!Number.isInteger(qty)) throw new Error(`${this.spec.symbol}: size ${q} off the ${this.spec.lotSize} grid`);
    const seen = this.texts.get(px);
    if (seen !== undefined && seen !== p) throw new Error(`${this.spec.symbol}: level ${px} written as ${seen} and ${p}`);
    this.texts.set(px, p);
    return [px, qty];
  }

  apply(update: Pick<SimUpdate, 'change'>): void {
    for (const [side, levels] of [[this.bids, update.change.bids], [this.asks, update.change.asks]] as const) {
      for (const level of levels ?? []) {
        const [px, qty] = this.parse(level);
        if (qty === 0) side.delete(px);
        else side.set(px, qty);
      }
    }
  }

  bestBid(): number {
    let best = -Infinity;
    for (const px of this.bids.keys()) if (px > best) best = px;
    return best;
  }

  bestAsk(): number {
    let best = Infinity;
    for (const px of this.asks.keys()) if (px < best) best = px;
    return best;
  }

  mid(): number {
    return this.price.toNumber((this.bestBid() + this.bestAsk()) / 2);
  }
}

/** All of a generator's books, kept up to date step by step. */
export class ReplayMarket {
  readonly books = new Map<string, ReplayBook>();
  private readonly specs = new Map<string, InstrumentSpec>();

  constructor(gen: MarketGenerator) {
    for (const v of VENUE_IDS) for (const s of gen.instruments(v)) this.specs.set(instrumentId(s.venue, s.symbol), s);
    for (const u of gen.initialBooks()) this.book(u.venue, u.symbol).apply(u);
  }

  book(venue: VenueId, symbol: string): ReplayBook {
    const id = instrumentId(venue, symbol);
    let b = this.books.get(id);
    if (!b) {
      const spec = this.specs.get(id);
      if (!spec) throw new Error(`update for unknown instrument ${id}`);
      this.books.set(id, (b = new ReplayBook(spec)));
    }
    return b;
  }

  /** Applies a step (listings first, as a venue registers a symbol before it has a book). */
  apply(step: SimStep): void {
    for (const s of step.listings) this.specs.set(instrumentId(s.venue, s.symbol), s);
    for (const u of step.updates) this.book(u.venue, u.symbol).apply(u);
  }
}

/** Runs `n` steps, calling `each` with every step; returns the steps. */
export function run(gen: MarketGenerator, n: number, each?: (s: SimStep) => void): SimStep[] {
  const out: SimStep[] = [];
  for (let i = 0; i < n; i++) {
    const s = gen.step();
    each?.(s);
    out.push(s);
  }
  return out;
}
