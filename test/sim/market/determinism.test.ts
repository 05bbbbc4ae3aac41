import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarketGenerator, SCENARIOS, defaultUniverse } from '../../../src/sim/market/generator.ts';

const START = 1_700_000_000_000;

function transcript(seed: number, scenario: (typeof SCENARIOS)[number], steps: number, stepMs?: number): string {
  const gen = new MarketGenerator({ seed, scenario, startTime: START, ...(stepMs ? { stepMs } : {}) });
  const out: string[] = [JSON.stringify(gen.initialBooks())];
  for (let i = 0; i < steps; i++) out.push(JSON.stringify(gen.step()));
  return out.join('\n');
}

describe('MarketGenerator determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(SCENARIOS)('%s: the same seed gives byte-identical steps', (scenario) => {
    // Long enough for every scenario's first event (listing at 30 s, shock at 20 s, outage at 15 s).
    expect(transcript(42, scenario, 400, 100)).toBe(transcript(42, scenario, 400, 100));
  });

  it('does not depend on wall time', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
    const a = transcript(7, 'news-shock', 300);
    vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
    const b = transcript(7, 'news-shock', 300);
    expect(a).toBe(b);
  });

  it('differs for a different seed', () => {
    expect(transcript(1, 'calm', 50)).not.toBe(transcript(2, 'calm', 50));
  });

  it('keeps time on its own clock: startTime plus stepMs per step', () => {
    const gen = new MarketGenerator({ seed: 1, scenario: 'calm', startTime: START, stepMs: 250 });
    expect(gen.time).toBe(START);
    expect(gen.step().time).toBe(START + 250);
    expect(gen.step().time).toBe(START + 500);
    expect(gen.time).toBe(START + 500);
  });

  it('shares the base market across scenarios for the same seed (the scenario only adds to it)', () => {
    const a = new MarketGenerator({ seed: 9, scenario: 'calm', startTime: START });
    const b = new MarketGenerator({ seed: 9, scenario: 'outage', startTime: START });
    expect(JSON.stringify(a.initialBooks())).toBe(JSON.stringify(b.initialBooks()));
  });

  it('rejects a bad step and a universe naming an asset twice', () => {
    expect(() => new MarketGenerator({ seed: 1, scenario: 'calm', startTime: 0, stepMs: 0 })).toThrow(RangeError);
    const u = defaultUniverse();
    expect(() => new MarketGenerator({ seed: 1, scenario: 'calm', startTime: 0, universe: { assets: [...u.assets, u.assets[0]!] } })).toThrow(/twice/);
  });
});
