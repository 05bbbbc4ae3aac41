import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import {
  EXPOSED_STATES,
  FLAT_STATES,
  symbolActorId,
  symbolMachine,
  type SymbolContext,
  type SymbolEvent,
} from '../../machines/symbol.machine.ts';
import { DebugCrash } from '../../machines/drill.ts';
import { COOLDOWN_MS, ev, harness, input, tick } from './symbolChart.ts';


// ── path tests ───────────────────────────────────────────────────────────────────────────────

const AFTER_COOLDOWN = { type: 'xstate.after.cooldown.symbol.COOLDOWN' } as unknown as SymbolEvent;
const graphEvents: SymbolEvent[] = [
  ev.quiet(), ev.watchLong(), ev.watchShort(), ev.armLong(), ev.armShort(), ev.doubtLong(), ev.unsynced(),
  ev.pump(), ev.manipulated(), ev.news(), ev.filled(), ev.failed(), ev.update(), ev.closed(), AFTER_COOLDOWN,
];
const ALL_STATES = [
  'ARMED_LONG', 'ARMED_SHORT', 'BLOCKED_REGIME', 'COOLDOWN', 'EXITED', 'FLAT', 'IN_POSITION', 'MANAGING', 'ORDER_PLACED', 'WATCHING_LONG', 'WATCHING_SHORT',
];

function replay(steps: readonly { event: { type: string } }[]) {
  const h = harness();
  // Every graph event happens at time 0, so the cooldown's remaining delay is the whole cooldownMs.
  for (const { event } of steps) {
    if (event.type === AFTER_COOLDOWN.type) h.run(COOLDOWN_MS);
    else if (!event.type.startsWith('xstate.')) h.run(event as SymbolEvent);
  }
  return h;
}

// States are told apart by their value and the bounded parts of the context (counters and times grow without end).
const key = (s: { value: unknown; context: SymbolContext }) => JSON.stringify([s.value, s.context.side, s.context.cancelRequested, s.context.entry !== null]);
const paths = getShortestPaths(symbolMachine, { input, events: graphEvents, serializeState: key });
const pathTo = (state: string) => paths.find((p) => String(p.state.value) === state)!;
const stepsTo = (state: string): SymbolEvent[] =>
  pathTo(state).steps.flatMap(({ event }) => (event.type === AFTER_COOLDOWN.type ? [] : event.type.startsWith('xstate.') ? [] : [event as SymbolEvent]));

describe('symbol chart paths', () => {
  it('reaches every state by a shortest path', () => {
    expect([...new Set(paths.map((p) => String(p.state.value)))].sort()).toEqual(ALL_STATES);
    expect([...FLAT_STATES, ...EXPOSED_STATES, 'EXITED', 'BLOCKED_REGIME'].sort()).toEqual(ALL_STATES);
  });

  it('replays each shortest path on a real actor to the same state (value, side, cancel flag, entry)', () => {
    expect(paths.length).toBeGreaterThan(ALL_STATES.length);
    for (const p of paths) {
      const h = replay(p.steps);
      const label = p.steps.map((s) => s.event.type).join(' → ');
      expect(h.state(), label).toBe(String(p.state.value));
      expect(key(h.actor.getSnapshot()), label).toBe(key(p.state));
      expect(h.errors).toEqual([]);
    }
  });

  it('walks the whole long cycle in the documented order, placing one entry', () => {
    const h = harness();
    const seen: string[] = [h.state()];
    h.actor.subscribe((s) => {
      if (seen.at(-1) !== String(s.value)) seen.push(String(s.value));
    });
    h.run(ev.watchLong(10), ev.armLong(20), ev.armLong(30), ev.filled(2, 100, 40), ev.update('tp1', 50), ev.update('breakeven', 60), ev.closed(3, 70), ev.quiet(80), COOLDOWN_MS);
    expect(seen).toEqual(['FLAT', 'WATCHING_LONG', 'ARMED_LONG', 'ORDER_PLACED', 'IN_POSITION', 'MANAGING', 'EXITED', 'COOLDOWN', 'FLAT']);
    expect(h.calls).toEqual(['placeEntry']);
    expect(h.ctx().counters).toEqual({ watched: 1, armed: 1, placed: 1, cancels: 0, failed: 0, filled: 1, closed: 1, wins: 1, losses: 0, blocked: 0 });
    expect(h.ctx()).toMatchObject({ lastPnl: 3, lastExit: 'tp2', side: null, entry: null, phase: null });
  });
});

// ── blocking ─────────────────────────────────────────────────────────────────────────────────

describe('BLOCKED_REGIME', () => {
  const blockers = [
    ['PUMP', ev.pump, ['regime PUMP']],
    ['MANIPULATED', ev.manipulated, ['regime MANIPULATED']],
    ['high-risk news', ev.news, ['high-risk news']],
  ] as const;

  for (const state of FLAT_STATES) {
    for (const [name, make, reasons] of blockers) {
      it(`${state} ⇒ BLOCKED_REGIME on ${name}; a clear tick leaves it`, () => {
        const h = harness();
        h.run(...stepsTo(state));
        expect(h.state()).toBe(state);
        const before = h.ctx().counters.blocked;
        h.run(make());
        expect(h.state()).toBe('BLOCKED_REGIME');
        expect(h.ctx()).toMatchObject({ side: null, reasons, counters: { blocked: before + 1 } });
        // A blocked symbol never orders, whatever the scores say.
        h.run(make(), ev.armLong());
        // The path to COOLDOWN closed a position at 0: 0 < 0 + 5000 is still inside the cooldown.
        expect(h.state()).toBe(state === 'COOLDOWN' ? 'COOLDOWN' : 'FLAT');
        expect(h.calls.filter((c) => c === 'placeEntry')).toHaveLength(state === 'COOLDOWN' ? 1 : 0);
      });
    }
  }

  it('stays blocked while ticks block, noting the latest reasons', () => {
    const h = harness();
    h.run(ev.pump(), ev.news());
    expect(h.state()).toBe('BLOCKED_REGIME');
    expect(h.ctx().reasons).toEqual(['high-risk news']);
    expect(h.ctx().counters.blocked).toBe(1);
  });

  it('NEWS_DRIVEN without the block flag (medium news) does not block and may be watched', () => {
    const h = harness();
    h.run(tick({ regime: 'NEWS_DRIVEN', scoreLong: 0.6 }));
    expect(h.state()).toBe('WATCHING_LONG');
  });

  it('regime COOLDOWN (a pump settling) neither blocks nor watches', () => {
    const h = harness();
    h.run(tick({ regime: 'COOLDOWN', scoreLong: 0.9, agreeLong: true }));
    expect(h.state()).toBe('FLAT');
    h.run(ev.watchLong(), tick({ regime: 'COOLDOWN', scoreLong: 0.9, agreeLong: true }));
    expect(h.state()).toBe('FLAT');
    expect(h.ctx().reasons).toEqual(['regime COOLDOWN']);
  });

  for (const state of EXPOSED_STATES) {
    it(`${state} is never blocked: an order or a position is managed to its end`, () => {
      const h = harness();
      h.run(...stepsTo(state), ev.pump(), ev.manipulated());
      expect(h.state()).toBe(state);
    });
  }

  it('a block that interrupts a cooldown returns to what is left of it, or to FLAT once it has passed', () => {
    const h = harness();
    h.run(ev.watchLong(), ev.armLong(), ev.armLong(), ev.filled(), ev.closed(-1, 1000), ev.quiet(1000), ev.pump(2000));
    expect(h.state()).toBe('BLOCKED_REGIME');
    h.run(ev.quiet(4000));
    // Deadline 1000 + 5000 = 6000; 2000 ms left at 4000.
    expect(h.state()).toBe('COOLDOWN');
    h.run(1999);
    expect(h.state()).toBe('COOLDOWN');
    h.run(1);
    expect(h.state()).toBe('FLAT');
    const late = harness();
    late.run(ev.watchLong(), ev.armLong(), ev.armLong(), ev.filled(), ev.closed(-1, 1000), ev.quiet(1000), ev.pump(2000), ev.quiet(6000));
    expect(late.state()).toBe('FLAT');
  });
});

// ── watching and arming ──────────────────────────────────────────────────────────────────────

describe('watching and arming', () => {
  it('watches strictly above the threshold (0.55 is not > 0.55) and arms at it (0.7 ≥ 0.7)', () => {
    const h = harness();
    h.run(tick({ scoreLong: 0.55 }));
    expect(h.state()).toBe('FLAT');
    h.run(tick({ scoreLong: 0.5501 }));
    expect(h.state()).toBe('WATCHING_LONG');
    h.run(tick({ scoreLong: 0.7, agreeLong: true }));
    expect(h.state()).toBe('ARMED_LONG');
    expect(h.ctx().reasons).toEqual(['long score 0.70 ≥ 0.7', 'walls, flow and news agree']);
  });

  it('one step per tick: an arming tick from FLAT only watches, and ARMED places on the second agreeing tick', () => {
    const h = harness();
    h.run(ev.armShort());
    expect(h.state()).toBe('WATCHING_SHORT');
    h.run(ev.armShort());
    expect(h.state()).toBe('ARMED_SHORT');
    expect(h.calls).toEqual([]);
    h.run(ev.armShort());
    expect(h.state()).toBe('ORDER_PLACED');
    expect(h.calls).toEqual(['placeEntry']);
    expect(h.ctx().side).toBe('short');
  });

  it('does not arm without agreement, however high the score', () => {
    const h = harness();
    h.run(ev.watchLong(), tick({ scoreLong: 0.99 }), tick({ scoreLong: 0.99 }));
    expect(h.state()).toBe('WATCHING_LONG');
  });

  it('an unsynced book never lets FLAT watch', () => {
    const h = harness();
    h.run(ev.unsynced());
    expect(h.state()).toBe('FLAT');
  });

  it('equal long and short scores above the threshold are no lean: FLAT', () => {
    const h = harness();
    h.run(tick({ scoreLong: 0.65, scoreShort: 0.65 }));
    expect(h.state()).toBe('FLAT');
  });

  it('switches side when the other score is above the threshold and higher', () => {
    const h = harness();
    h.run(ev.watchLong(), tick({ scoreLong: 0.58, scoreShort: 0.6 }));
    expect(h.state()).toBe('WATCHING_SHORT');
    expect(h.ctx().counters.watched).toBe(2);
    // The long still above 0.55 but the short higher: the lean follows the higher score only when it is above.
    h.run(tick({ scoreLong: 0.6, scoreShort: 0.59 }));
    expect(h.state()).toBe('WATCHING_LONG');
  });

  it('falls back to FLAT when the score drops to the threshold', () => {
    const h = harness();
    h.run(ev.watchLong(), tick({ scoreLong: 0.55 }));
    expect(h.state()).toBe('FLAT');
    expect(h.ctx()).toMatchObject({ side: null, reasons: ['long score 0.55 fell back'] });
  });

  for (const side of ['long', 'short'] as const) {
    it(`ARMED_${side.toUpperCase()} drops to FLAT on an unsynced book, even with scores that arm`, () => {
      const h = harness();
      const arm = side === 'long' ? ev.armLong : ev.armShort;
      h.run(arm(), arm());
      expect(h.state()).toBe(`ARMED_${side.toUpperCase()}`);
      h.run(ev.unsynced());
      expect(h.state()).toBe('FLAT');
      expect(h.ctx()).toMatchObject({ side: null, reasons: ['book not synced'], bookSynced: false });
      expect(h.calls).toEqual([]);
    });
  }

  it('ARMED loses agreement but keeps a watching score ⇒ back to WATCHING; loses the score ⇒ FLAT', () => {
    const h = harness();
    h.run(ev.armLong(), ev.armLong(), ev.watchLong());
    expect(h.state()).toBe('WATCHING_LONG');
    h.run(ev.armLong(), ev.quiet());
    expect(h.state()).toBe('FLAT');
    expect(h.calls).toEqual([]);
  });
});

// ── the entry ────────────────────────────────────────────────────────────────────────────────

describe('the entry and auto-cancel', () => {
  const placed = () => {
    const h = harness();
    h.run(ev.watchLong(), ev.armLong(), ev.armLong());
    expect(h.state()).toBe('ORDER_PLACED');
    return h;
  };

  it('a tick that still agrees leaves the order working (a lower score alone does not cancel)', () => {
    const h = placed();
    h.run(tick({ scoreLong: 0.3, agreeLong: true }));
    expect(h.state()).toBe('ORDER_PLACED');
    expect(h.calls).toEqual(['placeEntry']);
  });

  const doubts = [
    ['flow/walls no longer agree', ev.doubtLong(), ['walls, flow or news no longer agree with the long']],
    ['the book is not synced', tick({ bookSynced: false, agreeLong: true }), ['book not synced']],
    ['high-risk news', tick({ regime: 'NEWS_DRIVEN', newsBlock: true, agreeLong: true }), ['high-risk news']],
    ['a pump', tick({ regime: 'PUMP', agreeLong: true }), ['regime PUMP']],
  ] as const;
  for (const [name, t, reasons] of doubts) {
    it(`cancels once when ${name}; entry.failed then ⇒ FLAT`, () => {
      const h = placed();
      h.run(t);
      expect(h.state()).toBe('ORDER_PLACED');
      expect(h.calls).toEqual(['placeEntry', 'cancelEntry']);
      expect(h.ctx()).toMatchObject({ cancelRequested: true, reasons, counters: { cancels: 1 } });
      h.run(t, ev.doubtLong());
      expect(h.calls).toEqual(['placeEntry', 'cancelEntry']);
      h.run(ev.failed('canceled by auto-cancel'));
      expect(h.state()).toBe('FLAT');
      expect(h.ctx()).toMatchObject({ side: null, cancelRequested: false, reasons: ['canceled by auto-cancel'], counters: { failed: 1 } });
    });
  }

  it('a rejected entry ⇒ FLAT with the reason', () => {
    const h = placed();
    h.run(ev.failed('post-only would cross'));
    expect(h.state()).toBe('FLAT');
    expect(h.ctx().reasons).toEqual(['post-only would cross']);
  });

  it('a fill that raced the cancel still counts ⇒ IN_POSITION', () => {
    const h = placed();
    h.run(ev.doubtLong(), ev.filled(1, 100));
    expect(h.state()).toBe('IN_POSITION');
    expect(h.ctx().entry).toEqual({ side: 'long', qty: 1, price: 100, at: 0 });
  });

  it('a second entry places again and re-arms its cancel', () => {
    const h = placed();
    h.run(ev.doubtLong(), ev.failed(), ev.watchLong(), ev.armLong(), ev.armLong(), ev.doubtLong());
    expect(h.calls).toEqual(['placeEntry', 'cancelEntry', 'placeEntry', 'cancelEntry']);
  });

  it('partial fills add up at the quantity-weighted average: 1 @ 100 then 3 @ 104 ⇒ 4 @ 103', () => {
    const h = placed();
    h.run(ev.filled(1, 100, 10), ev.filled(3, 104, 11));
    expect(h.state()).toBe('IN_POSITION');
    // (1 × 100 + 3 × 104) / 4 = 412 / 4 = 103; the entry time stays the first fill's.
    expect(h.ctx().entry).toEqual({ side: 'long', qty: 4, price: 103, at: 10 });
    expect(h.ctx().counters.filled).toBe(1);
  });
});

// ── position, exit, cooldown ─────────────────────────────────────────────────────────────────

describe('position, exit and cooldown', () => {
  const open = () => {
    const h = harness();
    h.run(ev.watchShort(), ev.armShort(), ev.armShort(), ev.filled(5, 20, 100, 'short'));
    expect(h.state()).toBe('IN_POSITION');
    return h;
  };

  it('IN_POSITION ⇒ MANAGING on any update, which notes each phase', () => {
    const h = open();
    h.run(ev.update('tp1'));
    expect(h.state()).toBe('MANAGING');
    h.run(ev.update('breakeven'), ev.update('trailing'));
    expect(h.state()).toBe('MANAGING');
    expect(h.ctx().phase).toBe('trailing');
  });

  it('closes from IN_POSITION or MANAGING into EXITED, counting wins and losses', () => {
    const a = open();
    a.run(ev.closed(-2, 500, 'stop'));
    expect(a.state()).toBe('EXITED');
    expect(a.ctx()).toMatchObject({ lastPnl: -2, lastExit: 'stop', cooldownUntil: 500 + COOLDOWN_MS, counters: { wins: 0, losses: 1, closed: 1 } });
    const b = open();
    b.run(ev.update('tp1'), ev.closed(0, 500, 'breakeven stop'));
    expect(b.state()).toBe('EXITED');
    // A flat 0 is neither a win nor a loss.
    expect(b.ctx().counters).toMatchObject({ wins: 0, losses: 0, closed: 1 });
  });

  it('the cooldown runs cooldownMs from the close: closed at 1000, next tick at 1500 ⇒ 4500 ms left', () => {
    const h = open();
    h.run(ev.closed(1, 1000));
    expect(h.state()).toBe('EXITED');
    h.run(ev.armLong(1500));
    expect(h.state()).toBe('COOLDOWN');
    h.run(ev.armLong(1600), 4499);
    expect(h.state()).toBe('COOLDOWN');
    h.run(1);
    expect(h.state()).toBe('FLAT');
    expect(h.ctx()).toMatchObject({ side: null, entry: null, phase: null, reasons: ['cooldown over'] });
  });

  it('a tick at or past the deadline ends the cooldown too (the timer may be lost on a restore)', () => {
    const h = open();
    h.run(ev.closed(1, 1000), ev.quiet(1000), ev.quiet(5999));
    expect(h.state()).toBe('COOLDOWN');
    h.run(ev.quiet(6000));
    expect(h.state()).toBe('FLAT');
  });

  it('ticks in a position are noted, never acted on', () => {
    const h = open();
    h.run(ev.armLong(7), ev.unsynced(8));
    expect(h.state()).toBe('IN_POSITION');
    expect(h.ctx()).toMatchObject({ bookSynced: false, lastAt: 8 });
    expect(h.calls).toEqual(['placeEntry']);
  });
});

describe('the actor', () => {
  it('uses symbol:<instrument id> as its system id', () => {
    expect(symbolActorId('bybit-linear:SOLUSDT')).toBe('symbol:bybit-linear:SOLUSDT');
  });

  it('debug.crash throws the drill error from any state', () => {
    for (const state of ['FLAT', 'ORDER_PLACED', 'MANAGING']) {
      const h = harness();
      h.run(...stepsTo(state), { type: 'debug.crash' });
      expect(h.errors).toHaveLength(1);
      expect(h.errors[0]).toBeInstanceOf(DebugCrash);
    }
  });
});
