import { describe, expect, it } from 'vitest';
import { MarketGenerator, type ScenarioName } from '../../../src/sim/market/generator.ts';
import { ReplayMarket, run, type ReplayBook } from './replay.ts';

const gen = (scenario: ScenarioName, seed = 21) => new MarketGenerator({ seed, scenario, startTime: 1_000_000 });

/** Returns the summed quantity of the best `n` levels of a side. */
function topQty(book: ReplayBook, side: 'bids' | 'asks', n: number): number {
  const levels = [...book[side].entries()].sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]));
  return levels.slice(0, n).reduce((s, [, q]) => s + q, 0);
}

describe('scenario pump-dump', () => {
  it('runs PREPUMP → PUMPING → BLOWOFF → DUMP on the memecoin: price up, asks thin, then collapse', () => {
    const g = gen('pump-dump');
    const market = new ReplayMarket(g);
    const phases: string[] = [];
    const priceAt: Record<string, number> = {};
    const thin: Record<string, number[]> = {};
    let phase = 'IDLE';
    run(g, 2_000, (s) => {
      market.apply(s);
      for (const n of s.notes) {
        const m = /^pump-dump: (\w+) on WIF/.exec(n);
        if (!m) continue;
        phase = m[1]!;
        phases.push(phase);
        priceAt[phase] ??= g.fairValue('WIF');
      }
      const book = market.books.get('binance-usdm:WIFUSDT')!;
      (thin[phase] ??= []).push(topQty(book, 'asks', 10) / topQty(book, 'bids', 10));
    });
    expect(phases.slice(0, 5)).toEqual(['PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP', 'DONE']);
    expect(priceAt['BLOWOFF']! / priceAt['PUMPING']!).toBeGreaterThan(1.1);
    expect(priceAt['DONE']! / priceAt['DUMP']!).toBeLessThan(0.75);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Asks thin out against bids while it pumps, compared with the quiet lead-in (medians: sizes are heavy-tailed).
    expect(median(thin['PUMPING']!)).toBeLessThan(median(thin['IDLE']!) * 0.6);
    expect(median(thin['BLOWOFF']!)).toBeLessThan(median(thin['IDLE']!) * 0.6);
  });
});

describe('scenario spoof-walls', () => {
  it('places large orders behind the top and pulls every one before the price touches it', () => {
    const g = gen('spoof-walls');
    const market = new ReplayMarket(g);
    const active = new Map<string, { side: 'bid' | 'ask'; px: number; qty: number }>();
    let placed = 0;
    let pulled = 0;
    run(g, 1_500, (s) => {
      market.apply(s);
      for (const n of s.notes) {
        const m = /^spoof-walls: (WALL|PULL) (bid|ask) (\S+) (\S+)(?: x (\S+))?/.exec(n);
        if (!m) continue;
        const [, what, side, id, price, qty] = m;
        const book = market.books.get(id!)!;
        if (what === 'WALL') {
          expect(active.has(id!)).toBe(false);
          active.set(id!, { side: side as 'bid' | 'ask', px: book.price.toInt(price!), qty: book.qty.toInt(qty!) });
          placed++;
        } else {
          expect(active.get(id!)?.px).toBe(book.price.toInt(price!));
          active.delete(id!);
          pulled++;
        }
      }
      for (const [id, w] of active) {
        const book = market.books.get(id)!;
        expect(w.side === 'bid' ? book.bids.get(w.px) : book.asks.get(w.px)).toBe(w.qty);
        // Never the best level, never traded.
        expect(w.side === 'bid' ? book.bestBid() : book.bestAsk()).not.toBe(w.px);
        const [venue] = id.split(':');
        for (const u of s.updates) {
          if (`${u.venue}:${u.symbol}` !== id) continue;
          for (const t of u.trades) expect(book.price.toInt(t.price)).not.toBe(w.px);
        }
        expect(venue).toBeDefined();
      }
    });
    expect(placed).toBeGreaterThan(20);
    // Walls live at most 10 s: all but the last few are pulled.
    expect(pulled).toBeGreaterThanOrEqual(placed - active.size);
    expect(active.size).toBeLessThan(placed / 4);
  });

  it('makes the wall large against the levels around it', () => {
    const g = gen('spoof-walls');
    const market = new ReplayMarket(g);
    const ratios: number[] = [];
    run(g, 300, (s) => {
      market.apply(s);
      for (const n of s.notes) {
        const m = /^spoof-walls: WALL (bid|ask) (\S+) (\S+) x (\S+)/.exec(n);
        if (!m) continue;
        const book = market.books.get(m[2]!)!;
        const side = m[1] === 'bid' ? 'bids' : 'asks';
        ratios.push(book.qty.toInt(m[4]!) / (topQty(book, side, 5) / 5));
      }
    });
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(5);
  });
});

describe('scenario outage', () => {
  it('silences one venue (no updates, no funding) and brings it back', () => {
    const g = gen('outage');
    const events: { venue: string; silent: boolean; time: number }[] = [];
    let quiet: string | undefined;
    let resumed = false;
    run(g, 3_000, (s) => {
      for (const e of s.silence) {
        events.push({ ...e, time: s.time });
        quiet = e.silent ? e.venue : undefined;
      }
      const venues = new Set(s.updates.map((u) => u.venue));
      if (quiet) {
        expect(venues.has(quiet as never)).toBe(false);
        expect(s.funding.some((f) => f.venue === quiet)).toBe(false);
      } else if (events.length > 0 && s.silence.length === 0 && !events[events.length - 1]!.silent) {
        resumed ||= venues.has(events[events.length - 1]!.venue as never);
      }
    });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ silent: true, time: 1_000_000 + 15_000 });
    expect(events[1]).toMatchObject({ venue: events[0]!.venue, silent: false });
    const down = events[1]!.time - events[0]!.time;
    expect(down).toBeGreaterThanOrEqual(10_000);
    expect(down).toBeLessThanOrEqual(40_000);
    expect(resumed).toBe(true);
  });
});

describe('scenario listing', () => {
  it('lists a new symbol on some venues, then gives it a book and trades', () => {
    const g = gen('listing');
    const market = new ReplayMarket(g);
    let listedAt = 0;
    let bookAt = 0;
    let traded = false;
    run(g, 600, (s) => {
      if (s.listings.length > 0) {
        listedAt = s.time;
        expect(s.listings.map((l) => `${l.venue}:${l.symbol}`)).toEqual(['binance-usdm:NOVAUSDT', 'bybit-linear:NOVAUSDT', 'okx:NOVA-USDT-SWAP', 'hyperliquid:NOVA']);
        for (const l of s.listings) expect(l).toMatchObject({ base: 'NOVA', kind: 'perp', status: 'trading', listedAt: s.time });
        expect(s.updates.some((u) => u.symbol.startsWith('NOVA'))).toBe(false);
      }
      market.apply(s);
      const nova = s.updates.filter((u) => u.symbol.startsWith('NOVA'));
      if (nova.length > 0 && bookAt === 0) {
        bookAt = s.time;
        expect(nova).toHaveLength(4);
        for (const u of nova) expect(u.change.bids!.length).toBeGreaterThanOrEqual(50);
      }
      traded ||= nova.some((u) => u.trades.length > 0);
    });
    expect(listedAt).toBe(1_000_000 + 30_000);
    expect(bookAt).toBe(listedAt + 100);
    expect(traded).toBe(true);
    expect(g.instruments('hyperliquid').some((i) => i.symbol === 'NOVA')).toBe(false);
    expect(g.currentInstruments('hyperliquid').some((i) => i.symbol === 'NOVA')).toBe(true);
    expect(g.fairValue('NOVA')).toBeGreaterThan(0);
    const book = market.books.get('okx:NOVA-USDT-SWAP')!;
    expect(book.bestBid()).toBeLessThan(book.bestAsk());
  });
});

describe('scenario news-shock', () => {
  it('jumps the fair value by several % in one step, every venue follows, volatility spikes', () => {
    const g = gen('news-shock');
    const market = new ReplayMarket(g);
    let before = g.fairValue('BTC');
    let jump = 0;
    let shockAt = -1;
    const notes: string[] = [];
    run(g, 300, (s) => {
      market.apply(s);
      notes.push(...s.notes);
      const now = g.fairValue('BTC');
      if (s.notes.some((n) => n.startsWith('news-shock:'))) {
        jump = now / before - 1;
        shockAt = s.time;
      }
      before = now;
    });
    expect(shockAt).toBe(1_000_000 + 20_000);
    expect(Math.abs(jump)).toBeGreaterThan(0.025);
    expect(notes).toContain('regime: BTC wild');
    // Ten seconds on, every BTC book has followed to within 1 % of the fair value.
    for (const [id, book] of market.books) {
      if (!id.includes('BTC')) continue;
      expect(Math.abs(book.mid() / g.fairValue('BTC') - 1), id).toBeLessThan(0.01);
    }
  });
});

describe('scenarios trending and calm', () => {
  it('trending: fair values drift the way the note says', () => {
    const g = gen('trending');
    const start = g.fairValue('BTC');
    const notes = run(g, 3_000).flatMap((s) => s.notes);
    const up = notes.find((n) => n.startsWith('trending: BTC '))!.includes(' up ');
    const move = g.fairValue('BTC') / start - 1;
    expect(up ? move : -move).toBeGreaterThan(0.004); // 20–50 bps a minute for five minutes
  });

  it('calm: lower volatility than the baseline for the same seed, no wild regime', () => {
    const realized = (scenario: ScenarioName) => {
      const g = gen(scenario, 8);
      let last = Math.log(g.fairValue('ETH'));
      let sum = 0;
      const notes = run(g, 3_000, () => {
        const x = Math.log(g.fairValue('ETH'));
        sum += (x - last) ** 2;
        last = x;
      }).flatMap((s) => s.notes);
      return { vol: Math.sqrt(sum), notes };
    };
    const calm = realized('calm');
    const base = realized('outage');
    expect(calm.vol).toBeLessThan(base.vol * 0.7);
    expect(calm.notes.some((n) => n.includes('wild'))).toBe(false);
  });
});

describe('funding', () => {
  it('publishes every perp’s rate and mark every simulated minute', () => {
    const g = gen('calm');
    const steps = run(g, 1_200);
    const due = steps.filter((s) => s.funding.length > 0);
    expect(due.map((s) => s.time)).toEqual([1_060_000, 1_120_000]);
    const perps = (['binance-usdm', 'bybit-linear', 'okx', 'bitget', 'hyperliquid'] as const).flatMap((v) => g.instruments(v).filter((i) => i.kind === 'perp'));
    expect(due[0]!.funding).toHaveLength(perps.length);
    const market = new ReplayMarket(g);
    for (const f of due[0]!.funding) {
      expect(f.rate).toMatch(/^-?\d\.\d{8}$/);
      expect(Math.abs(Number(f.rate))).toBeLessThanOrEqual(0.0075);
      market.book(f.venue, f.symbol).parse([f.markPrice, '0']);
    }
    expect(due[0]!.funding.some((f) => f.symbol === 'xyz:NVDA')).toBe(true);
  });
});
