/** The symbol chart under a simulated clock, with the events the path tests send (shared by the chart's tests). */
import { createActor, SimulatedClock } from 'xstate';
import { symbolMachine, type SymbolContext, type SymbolEvent, type SymbolInput, type SymbolSide, type SymbolTick } from '../../machines/symbol.machine.ts';

export const COOLDOWN_MS = 5000;
/** Watch above 0.55, arm at 0.7 or more. */
export const input: SymbolInput = { id: 'symbol:bybit-linear:SOLUSDT', watchThreshold: 0.55, armThreshold: 0.7, cooldownMs: COOLDOWN_MS };

export const QUIET: SymbolTick = { type: 'market.tick', at: 0, regime: 'NORMAL', bookSynced: true, scoreLong: 0.2, scoreShort: 0.2, agreeLong: false, agreeShort: false, newsBlock: false };
export const tick = (o: Partial<Omit<SymbolTick, 'type'>> = {}): SymbolTick => ({ ...QUIET, ...o });

export const ev = {
  quiet: (at = 0) => tick({ at }),
  /** 0.6 > 0.55 watches; 0.6 < 0.7 does not arm. */
  watchLong: (at = 0) => tick({ at, scoreLong: 0.6, scoreShort: 0.1 }),
  watchShort: (at = 0) => tick({ at, scoreLong: 0.1, scoreShort: 0.6 }),
  /** 0.75 ≥ 0.7 and the long side agrees. */
  armLong: (at = 0) => tick({ at, scoreLong: 0.75, scoreShort: 0.1, agreeLong: true }),
  armShort: (at = 0) => tick({ at, scoreLong: 0.1, scoreShort: 0.75, agreeShort: true }),
  /** The long score still arms but walls/flow/news no longer agree with it. */
  doubtLong: (at = 0) => tick({ at, scoreLong: 0.75, scoreShort: 0.1, agreeLong: false }),
  unsynced: (at = 0) => tick({ at, bookSynced: false, scoreLong: 0.75, agreeLong: true, scoreShort: 0.75, agreeShort: true }),
  pump: (at = 0) => tick({ at, regime: 'PUMP', scoreLong: 0.9, agreeLong: true }),
  manipulated: (at = 0) => tick({ at, regime: 'MANIPULATED' }),
  news: (at = 0) => tick({ at, regime: 'NEWS_DRIVEN', newsBlock: true }),
  filled: (qty = 1, price = 100, at = 0, side: SymbolSide = 'long'): SymbolEvent => ({ type: 'entry.filled', at, side, qty, price }),
  failed: (reason = 'canceled', at = 0): SymbolEvent => ({ type: 'entry.failed', at, reason }),
  update: (phase: 'tp1' | 'breakeven' | 'trailing' = 'tp1', at = 0): SymbolEvent => ({ type: 'position.update', at, phase }),
  closed: (pnl = 1.5, at = 0, reason = 'tp2'): SymbolEvent => ({ type: 'position.closed', at, pnl, reason }),
  adopted: (side: SymbolSide = 'short', qty = 3, price = 42.5, at = 1000, reason = 'scalp s-1 open after a restart'): SymbolEvent =>
    ({ type: 'position.adopted', at, side, qty, price, reason }),
  configure: (watchThreshold: number, armThreshold: number, cooldownMs: number): SymbolEvent => ({ type: 'symbol.configure', watchThreshold, armThreshold, cooldownMs }),
};

/** An event, or a number of milliseconds to move the simulated clock by. */
export type Step = SymbolEvent | number;

export function harness(inp: SymbolInput = input) {
  const calls: string[] = [];
  const clock = new SimulatedClock();
  const logic = symbolMachine.provide({
    actions: { placeEntry: () => void calls.push('placeEntry'), cancelEntry: () => void calls.push('cancelEntry') },
  });
  const actor = createActor(logic, { input: inp, clock });
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  const run = (...steps: Step[]) => {
    for (const s of steps) typeof s === 'number' ? clock.increment(s) : actor.send(s);
  };
  return { actor, calls, errors, run, state: () => String(actor.getSnapshot().value), ctx: (): SymbolContext => actor.getSnapshot().context };
}
