import { describe, expect, it } from 'vitest';
import { symbolMachine } from '../../machines/symbol.machine.ts';

// Path tests for the two events src sends to a running chart: `position.adopted` (a position the
// chart lost in a crash) and `symbol.configure` (a config reload).

import { COOLDOWN_MS, ev, harness, input, tick, type Step } from './symbolChart.ts';


/**
 * Every state of the chart: how to reach it and whether it takes a position handed back by src.
 * A state added to the chart without a row here fails the first test below.
 */
const STATES: Readonly<Record<string, { readonly reach: readonly Step[]; readonly adopts: boolean }>> = {
  FLAT: { reach: [], adopts: true },
  WATCHING_LONG: { reach: [ev.watchLong()], adopts: true },
  WATCHING_SHORT: { reach: [ev.watchShort()], adopts: true },
  ARMED_LONG: { reach: [ev.armLong(), ev.armLong()], adopts: true },
  ARMED_SHORT: { reach: [ev.armShort(), ev.armShort()], adopts: true },
  ORDER_PLACED: { reach: [ev.armLong(), ev.armLong(), ev.armLong()], adopts: false },
  IN_POSITION: { reach: [ev.armLong(), ev.armLong(), ev.armLong(), ev.filled(2, 100, 10)], adopts: false },
  MANAGING: { reach: [ev.armLong(), ev.armLong(), ev.armLong(), ev.filled(2, 100, 10), ev.update('trailing', 20)], adopts: false },
  // Reached through MANAGING so a stale entry and phase are there to be replaced.
  EXITED: { reach: [ev.armLong(), ev.armLong(), ev.armLong(), ev.filled(2, 100, 10), ev.update('trailing', 20), ev.closed(1, 30)], adopts: true },
  COOLDOWN: { reach: [ev.armLong(), ev.armLong(), ev.armLong(), ev.filled(2, 100, 10), ev.closed(1, 30), ev.quiet(40)], adopts: true },
  BLOCKED_REGIME: { reach: [ev.pump()], adopts: true },
};
const STATE_NAMES = Object.keys(STATES);

const reach = (state: string) => {
  const h = harness();
  h.run(...STATES[state]!.reach);
  expect(h.state()).toBe(state);
  return h;
};

describe('every state decides on position.adopted', () => {
  it('the table covers exactly the states the chart defines', () => {
    expect([...STATE_NAMES].sort()).toEqual(Object.keys(symbolMachine.config.states ?? {}).sort());
  });

  for (const state of STATE_NAMES) {
    const { adopts } = STATES[state]!;
    it(`${state} ${adopts ? 'adopts the position ⇒ IN_POSITION' : 'ignores it: state and context unchanged'}`, () => {
      const h = reach(state);
      const before = h.ctx();
      const calls = [...h.calls];
      expect(h.actor.getSnapshot().can(ev.adopted())).toBe(adopts);
      h.run(ev.adopted('short', 3, 42.5, 1000, 'scalp s-1 open after a restart'));
      if (!adopts) {
        expect(h.state()).toBe(state);
        expect(h.ctx()).toEqual(before);
      } else {
        expect(h.state()).toBe('IN_POSITION');
        expect(h.ctx()).toMatchObject({ entry: { side: 'short', qty: 3, price: 42.5, at: 1000 }, side: 'short', phase: null, cancelRequested: false, lastAt: 1000 });
        expect(h.ctx().reasons.join(' ')).toContain('scalp s-1 open after a restart');
        // Adoption is bookkeeping, not a decision: nothing counted, nothing thresholded.
        expect(h.ctx().counters).toEqual(before.counters);
        expect(h.ctx()).toMatchObject({ watchThreshold: before.watchThreshold, armThreshold: before.armThreshold, cooldownMs: before.cooldownMs });
      }
      // Adopting never orders, and an ignored adoption never re-enters ORDER_PLACED (which would place again).
      expect(h.calls).toEqual(calls);
      expect(h.errors).toEqual([]);
    });
  }
});

describe('after adoption the normal path continues', () => {
  const adopting = STATE_NAMES.filter((s) => STATES[s]!.adopts);

  adopting.forEach((state, i) => {
    // Alternate the sign so both counters are exercised from several starting states.
    const pnl = i % 2 === 0 ? 2.5 : -1.25;
    it(`from ${state}: update ⇒ MANAGING, close (pnl ${pnl}) ⇒ EXITED, tick ⇒ COOLDOWN, ${COOLDOWN_MS} ms ⇒ FLAT`, () => {
      const h = reach(state);
      const before = h.ctx().counters;
      const seen: string[] = [h.state()];
      h.actor.subscribe((s) => {
        if (seen.at(-1) !== String(s.value)) seen.push(String(s.value));
      });
      h.run(ev.adopted('long', 4, 10, 1000), ev.update('breakeven', 1500));
      expect(h.ctx()).toMatchObject({ phase: 'breakeven', entry: { side: 'long', qty: 4, price: 10, at: 1000 } });
      h.run(ev.closed(pnl, 2000, 'stop'));
      expect(h.ctx()).toMatchObject({ lastPnl: pnl, lastExit: 'stop', cooldownUntil: 2000 + COOLDOWN_MS });
      expect(h.ctx().counters).toMatchObject({
        closed: before.closed + 1,
        wins: before.wins + (pnl > 0 ? 1 : 0),
        losses: before.losses + (pnl < 0 ? 1 : 0),
      });
      h.run(ev.quiet(2000), COOLDOWN_MS - 1);
      expect(h.state()).toBe('COOLDOWN');
      h.run(1);
      expect(seen).toEqual([state, 'IN_POSITION', 'MANAGING', 'EXITED', 'COOLDOWN', 'FLAT']);
      expect(h.ctx()).toMatchObject({ side: null, entry: null, phase: null, reasons: ['cooldown over'] });
      expect(h.errors).toEqual([]);
    });
  });

  it('a close straight from IN_POSITION after adoption counts too (pnl 0 is neither win nor loss)', () => {
    const h = harness();
    h.run(ev.adopted('short', 1, 50, 100), ev.closed(0, 200, 'breakeven stop'));
    expect(h.state()).toBe('EXITED');
    expect(h.ctx().counters).toMatchObject({ closed: 1, wins: 0, losses: 0 });
  });

  it('adoption during a cooldown cancels its timer: the position is not dropped to FLAT when it would have ended', () => {
    const h = reach('COOLDOWN');
    h.run(ev.adopted('long', 1, 100, 50), COOLDOWN_MS * 2);
    expect(h.state()).toBe('IN_POSITION');
    expect(h.ctx().entry).toEqual({ side: 'long', qty: 1, price: 100, at: 50 });
  });

  it('an adopted position is not blocked and ignores a second adoption', () => {
    const h = harness();
    h.run(ev.adopted('long', 2, 10, 100), ev.pump(150), ev.adopted('short', 9, 99, 200));
    expect(h.state()).toBe('IN_POSITION');
    expect(h.ctx().entry).toEqual({ side: 'long', qty: 2, price: 10, at: 100 });
    expect(h.ctx().side).toBe('long');
  });

  it('a later fill on an adopted position averages into it', () => {
    const h = harness();
    h.run(ev.adopted('long', 1, 100, 100), ev.filled(3, 104, 200, 'long'));
    // (1 × 100 + 3 × 104) / 4 = 103; the entry time stays the adoption's.
    expect(h.ctx().entry).toEqual({ side: 'long', qty: 4, price: 103, at: 100 });
  });
});

describe('symbol.configure', () => {
  const CONF = ev.configure(0.4, 0.5, 2000);

  for (const state of STATE_NAMES) {
    it(`${state} takes it without a transition, changing only the thresholds and the cooldown`, () => {
      const h = reach(state);
      const before = h.ctx();
      const calls = [...h.calls];
      h.run(CONF);
      expect(h.state()).toBe(state);
      expect(h.ctx()).toEqual({ ...before, watchThreshold: 0.4, armThreshold: 0.5, cooldownMs: 2000 });
      // No re-entry: ORDER_PLACED does not place again.
      expect(h.calls).toEqual(calls);
      expect(h.errors).toEqual([]);
    });
  }

  it('a lower watch threshold decides the next tick: 0.5 does not watch at 0.6, does at 0.4', () => {
    const h = harness({ ...input, watchThreshold: 0.6, armThreshold: 0.8 });
    h.run(tick({ scoreLong: 0.5 }));
    expect(h.state()).toBe('FLAT');
    h.run(ev.configure(0.4, 0.8, COOLDOWN_MS), tick({ scoreLong: 0.5 }));
    expect(h.state()).toBe('WATCHING_LONG');
    expect(h.ctx().reasons).toEqual(['long score 0.50 > 0.4']);
  });

  it('arms at the new arm threshold: 0.75 with agreement stays WATCHING at 0.8, arms at 0.7', () => {
    const h = harness({ ...input, watchThreshold: 0.6, armThreshold: 0.8 });
    h.run(tick({ scoreLong: 0.75, agreeLong: true }), tick({ scoreLong: 0.75, agreeLong: true }));
    expect(h.state()).toBe('WATCHING_LONG');
    h.run(ev.configure(0.6, 0.7, COOLDOWN_MS), tick({ scoreLong: 0.75, agreeLong: true }));
    expect(h.state()).toBe('ARMED_LONG');
    expect(h.ctx().reasons).toEqual(['long score 0.75 ≥ 0.7', 'walls, flow and news agree']);
  });

  it('a higher watch threshold drops a watched symbol back to FLAT on the next tick', () => {
    const h = harness();
    h.run(ev.watchLong(), ev.configure(0.65, 0.8, COOLDOWN_MS), ev.watchLong());
    expect(h.state()).toBe('FLAT');
    expect(h.ctx().reasons).toEqual(['long score 0.60 fell back']);
  });

  it('a higher arm threshold stops an armed symbol from placing: it goes back to watching', () => {
    const h = harness();
    h.run(ev.armLong(), ev.armLong(), ev.configure(0.55, 0.8, COOLDOWN_MS), ev.armLong());
    expect(h.state()).toBe('WATCHING_LONG');
    expect(h.calls).toEqual([]);
  });

  it('a cooldown started after configure uses the new cooldownMs (timer and tick)', () => {
    const byTimer = harness();
    byTimer.run(ev.adopted('long', 1, 100, 500), ev.configure(0.55, 0.7, 2000), ev.closed(1, 1000), ev.quiet(1000));
    expect(byTimer.ctx().cooldownUntil).toBe(3000);
    byTimer.run(1999);
    expect(byTimer.state()).toBe('COOLDOWN');
    byTimer.run(1);
    expect(byTimer.state()).toBe('FLAT');

    const byTick = harness();
    byTick.run(ev.configure(0.55, 0.7, 2000), ev.adopted('long', 1, 100, 500), ev.closed(1, 1000), ev.quiet(1000), ev.quiet(2999));
    expect(byTick.state()).toBe('COOLDOWN');
    byTick.run(ev.quiet(3000));
    expect(byTick.state()).toBe('FLAT');
  });

  it('a cooldown whose close came before configure keeps its deadline (it is fixed at the close)', () => {
    const h = harness();
    h.run(ev.adopted('long', 1, 100, 500), ev.closed(1, 1000), ev.configure(0.55, 0.7, 500), ev.quiet(1000));
    expect(h.ctx().cooldownUntil).toBe(1000 + COOLDOWN_MS);
    h.run(ev.configure(0.55, 0.7, 100), COOLDOWN_MS - 1);
    expect(h.state()).toBe('COOLDOWN');
    h.run(1);
    expect(h.state()).toBe('FLAT');
  });
});
