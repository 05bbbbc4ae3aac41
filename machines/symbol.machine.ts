/**
 * One scalped symbol (`symbol:<instrument id>`): from watching the score to a closed position.
 *
 *   FLAT ─(score > watch, regime OK)→ WATCHING_LONG|SHORT ─(score ≥ arm, walls/flow/news agree)→ ARMED_LONG|SHORT
 *   ARMED ─(the next tick still agrees)→ ORDER_PLACED ─(entry.filled)→ IN_POSITION ─(position.update)→ MANAGING
 *   IN_POSITION|MANAGING ─(position.closed)→ EXITED ─(next tick)→ COOLDOWN ─(cooldownMs after the close)→ FLAT
 *   ORDER_PLACED ─(entry.failed: canceled or rejected)→ FLAT
 *   FLAT|WATCHING_*|ARMED_*|COOLDOWN ─(PUMP, MANIPULATED or high-risk news)→ BLOCKED_REGIME ─(clear)→ FLAT (or COOLDOWN)
 *   ARMED_* ─(book not synced)→ FLAT
 *   FLAT|WATCHING_*|ARMED_*|COOLDOWN|BLOCKED_REGIME|EXITED ─(position.adopted)→ IN_POSITION
 *
 * `position.adopted` is how src hands back a position the chart does not know of (the chart's
 * write-behind snapshot lost the step before a crash); `symbol.configure` changes the thresholds
 * and the cooldown of a running chart (config reload).
 * The chart decides on conflated `market.tick`s that carry the verdicts src computed on the
 * feature view (regime, scores, whether walls, flow and news agree per side; the wiring folds
 * `mayOpen(global)` into the agree flags, so GLOBAL_PANIC neither arms nor keeps an entry).
 * Rules worth knowing:
 * - One step per tick: FLAT never jumps to ARMED, and ARMED places only on a second agreeing tick,
 *   so one odd tick never sends an order.
 * - "Regime OK" is NORMAL or NEWS_DRIVEN (medium news: the scores already carry the penalty) with a
 *   synced book; COOLDOWN (a pump settling) is not blocked but not watched either.
 * - An entry whose tick no longer agrees (side flag off, book unsynced, blocking regime) is
 *   canceled once (`cancelEntry`); the chart stays in ORDER_PLACED until the venue answers:
 *   canceled ⇒ entry.failed ⇒ FLAT, or a fill that raced the cancel ⇒ IN_POSITION.
 * - The cooldown is an absolute deadline in context (close time + cooldownMs), re-armed from it
 *   (a tick past the deadline also ends it, which covers a restore that lost the timer); a block
 *   that interrupts a cooldown returns to COOLDOWN for what is left of it, not to FLAT.
 * - A position is never blocked: it is managed to its close by the position manager.
 * Effects (`placeEntry`, `cancelEntry`) are provided by src.
 */
import { assign, setup } from 'xstate';
import type { SymbolRegime } from '../src/strategies/scalper/regime.ts';
import { crash, type DebugCrashEvent } from './drill.ts';

export type SymbolSide = 'long' | 'short';
export type ManagePhase = 'tp1' | 'breakeven' | 'trailing';

export interface SymbolTick {
  readonly type: 'market.tick';
  readonly at: number;
  readonly regime: SymbolRegime;
  readonly bookSynced: boolean;
  readonly scoreLong: number;
  readonly scoreShort: number;
  /** Walls, flow and news agree with a trade on this side (and the global regime lets it open). */
  readonly agreeLong: boolean;
  readonly agreeShort: boolean;
  /** High-risk news in force. */
  readonly newsBlock: boolean;
}

export type SymbolEvent =
  | SymbolTick
  | { readonly type: 'entry.filled'; readonly at: number; readonly side: SymbolSide; readonly qty: number; readonly price: number }
  | { readonly type: 'entry.failed'; readonly at: number; readonly reason: string }
  | { readonly type: 'position.update'; readonly at: number; readonly phase: ManagePhase }
  | { readonly type: 'position.closed'; readonly at: number; readonly pnl: number; readonly reason: string }
  | { readonly type: 'position.adopted'; readonly at: number; readonly side: SymbolSide; readonly qty: number; readonly price: number; readonly reason: string }
  | { readonly type: 'symbol.configure'; readonly watchThreshold: number; readonly armThreshold: number; readonly cooldownMs: number }
  | DebugCrashEvent;

export interface SymbolEntry {
  readonly side: SymbolSide;
  /** Filled so far and the average fill price. */
  readonly qty: number;
  readonly price: number;
  readonly at: number;
}

export interface SymbolCounters {
  readonly watched: number;
  readonly armed: number;
  readonly placed: number;
  readonly cancels: number;
  readonly failed: number;
  readonly filled: number;
  readonly closed: number;
  readonly wins: number;
  readonly losses: number;
  readonly blocked: number;
}

export interface SymbolContext {
  readonly id: string;
  readonly watchThreshold: number;
  readonly armThreshold: number;
  readonly cooldownMs: number;
  /** The side watched, armed, ordered or held; null when flat with no lean. */
  readonly side: SymbolSide | null;
  readonly entry: SymbolEntry | null;
  readonly phase: ManagePhase | null;
  readonly regime: SymbolRegime | null;
  readonly bookSynced: boolean;
  /** The time of the latest event seen. */
  readonly lastAt: number;
  /** Why the last transition happened. */
  readonly reasons: readonly string[];
  readonly cancelRequested: boolean;
  readonly cooldownUntil: number | null;
  readonly lastPnl: number | null;
  readonly lastExit: string | null;
  readonly counters: SymbolCounters;
}

export interface SymbolInput {
  readonly id: string;
  readonly watchThreshold: number;
  readonly armThreshold: number;
  readonly cooldownMs: number;
}

/** States with no order and no position, which a blocking regime sends to BLOCKED_REGIME. */
export const FLAT_STATES: readonly string[] = ['FLAT', 'WATCHING_LONG', 'WATCHING_SHORT', 'ARMED_LONG', 'ARMED_SHORT', 'COOLDOWN'];

/** States with an order working or a position open. */
export const EXPOSED_STATES: readonly string[] = ['ORDER_PLACED', 'IN_POSITION', 'MANAGING'];

/** Returns the actor's system id for an instrument. */
export function symbolActorId(instrumentId: string): string {
  return `symbol:${instrumentId}`;
}

const EMPTY_COUNTERS: SymbolCounters = { watched: 0, armed: 0, placed: 0, cancels: 0, failed: 0, filled: 0, closed: 0, wins: 0, losses: 0, blocked: 0 };

type Side = { readonly side: SymbolSide };
type Filled = Extract<SymbolEvent, { type: 'entry.filled' }>;

const isTick = (e: SymbolEvent): e is SymbolTick => e.type === 'market.tick';
const blocking = (t: SymbolTick): boolean => t.regime === 'PUMP' || t.regime === 'MANIPULATED' || t.newsBlock;
const regimeOk = (t: SymbolTick): boolean => (t.regime === 'NORMAL' || t.regime === 'NEWS_DRIVEN') && !t.newsBlock && t.bookSynced;
const score = (t: SymbolTick, s: SymbolSide): number => (s === 'long' ? t.scoreLong : t.scoreShort);
const agree = (t: SymbolTick, s: SymbolSide): boolean => (s === 'long' ? t.agreeLong : t.agreeShort);
const other = (s: SymbolSide): SymbolSide => (s === 'long' ? 'short' : 'long');
const f2 = (x: number): string => x.toFixed(2);

function blockReasons(t: SymbolTick): string[] {
  const r: string[] = [];
  if (t.regime === 'PUMP' || t.regime === 'MANIPULATED') r.push(`regime ${t.regime}`);
  if (t.newsBlock) r.push('high-risk news');
  return r;
}

/** Why an entry on this side no longer stands, or an empty list. */
function entryDoubts(t: SymbolTick, s: SymbolSide): string[] {
  const r = blockReasons(t);
  if (!t.bookSynced) r.push('book not synced');
  if (!agree(t, s)) r.push(`walls, flow or news no longer agree with the ${s}`);
  return r;
}

const tickFields = (t: SymbolTick) => ({ regime: t.regime, bookSynced: t.bookSynced, lastAt: t.at });

const UP = { long: 'LONG', short: 'SHORT' } as const;
const bySide = <T extends string>(type: T, side: SymbolSide) => ({ type, params: { side } }) as const;
const BLOCK = { guard: 'blocks', target: 'BLOCKED_REGIME', actions: 'noteBlock' } as const;
const ADOPT = { 'position.adopted': { target: 'IN_POSITION', actions: 'noteAdopted' } } as const;

/** WATCHING_<side>: arm, switch to a stronger other side, keep watching, or fall back. */
function watching(side: SymbolSide) {
  return {
    on: {
      ...ADOPT,
      'market.tick': [
        BLOCK,
        { guard: bySide('arm', side), target: `ARMED_${UP[side]}`, actions: bySide('noteArm', side) },
        { guard: bySide('watch', other(side)), target: `WATCHING_${UP[other(side)]}`, actions: bySide('noteWatch', other(side)) },
        { guard: bySide('keep', side), actions: 'noteTick' },
        { target: 'FLAT', actions: 'noteFlat' },
      ],
    },
  } as const;
}

/** ARMED_<side>: a second agreeing tick places the entry; an unsynced book drops to FLAT. */
function armed(side: SymbolSide) {
  return {
    on: {
      ...ADOPT,
      'market.tick': [
        BLOCK,
        { guard: 'unsynced', target: 'FLAT', actions: 'noteFlat' },
        { guard: bySide('arm', side), target: 'ORDER_PLACED', actions: 'notePlace' },
        { guard: bySide('keep', side), target: `WATCHING_${UP[side]}`, actions: bySide('noteWatch', side) },
        { target: 'FLAT', actions: 'noteFlat' },
      ],
    },
  } as const;
}

export const symbolMachine = setup({
  types: {
    context: {} as SymbolContext,
    events: {} as SymbolEvent,
    input: {} as SymbolInput,
  },
  delays: {
    // What is left of the cooldown at the latest event: the deadline survives a block and a restore.
    cooldown: ({ context }) => Math.max(0, (context.cooldownUntil ?? context.lastAt) - context.lastAt),
  },
  guards: {
    blocks: ({ event }) => isTick(event) && blocking(event),
    unsynced: ({ event }) => isTick(event) && !event.bookSynced,
    /** The side's score is above the watch threshold and above the other side's. */
    watch: ({ context, event }, p: Side) =>
      isTick(event) && regimeOk(event) && score(event, p.side) > context.watchThreshold && score(event, p.side) > score(event, other(p.side)),
    /** The side's score stays above the watch threshold. */
    keep: ({ context, event }, p: Side) => isTick(event) && regimeOk(event) && score(event, p.side) > context.watchThreshold,
    arm: ({ context, event }, p: Side) => isTick(event) && regimeOk(event) && score(event, p.side) >= context.armThreshold && agree(event, p.side),
    entryDoubted: ({ context, event }) =>
      isTick(event) && !context.cancelRequested && context.side !== null && (blocking(event) || !event.bookSynced || !agree(event, context.side)),
    cooldownLeft: ({ context, event }) => isTick(event) && context.cooldownUntil !== null && event.at < context.cooldownUntil,
    cooldownOver: ({ context, event }) => isTick(event) && context.cooldownUntil !== null && event.at >= context.cooldownUntil,
  },
  actions: {
    crash,
    /** Sends the entry order for context.side (maker first, taker fallback: src decides how). */
    placeEntry: () => undefined,
    /** Cancels the working entry order. */
    cancelEntry: () => undefined,
    noteTick: assign(({ event }) => tickFields(event as SymbolTick)),
    noteBlock: assign(({ context, event }) => {
      const t = event as SymbolTick;
      return { ...tickFields(t), side: null, reasons: blockReasons(t), counters: { ...context.counters, blocked: context.counters.blocked + 1 } };
    }),
    noteStillBlocked: assign(({ event }) => ({ ...tickFields(event as SymbolTick), reasons: blockReasons(event as SymbolTick) })),
    noteCleared: assign(({ event }) => ({ ...tickFields(event as SymbolTick), reasons: ['regime cleared'] })),
    noteWatch: assign(({ context, event }, p: Side) => {
      const t = event as SymbolTick;
      const counters = context.side === p.side ? context.counters : { ...context.counters, watched: context.counters.watched + 1 };
      return { ...tickFields(t), side: p.side, reasons: [`${p.side} score ${f2(score(t, p.side))} > ${context.watchThreshold}`], counters };
    }),
    noteArm: assign(({ context, event }, p: Side) => {
      const t = event as SymbolTick;
      return {
        ...tickFields(t),
        side: p.side,
        reasons: [`${p.side} score ${f2(score(t, p.side))} ≥ ${context.armThreshold}`, 'walls, flow and news agree'],
        counters: { ...context.counters, armed: context.counters.armed + 1 },
      };
    }),
    notePlace: assign(({ context, event }) => ({
      ...tickFields(event as SymbolTick),
      cancelRequested: false,
      entry: null,
      phase: null,
      reasons: [`${context.side} still agrees: entry placed`],
      counters: { ...context.counters, placed: context.counters.placed + 1 },
    })),
    noteFlat: assign(({ context, event }) => {
      const t = event as SymbolTick;
      const why = !t.bookSynced ? 'book not synced' : !regimeOk(t) ? `regime ${t.regime}` : context.side ? `${context.side} score ${f2(score(t, context.side))} fell back` : 'no lean';
      return { ...tickFields(t), side: null, reasons: [why] };
    }),
    noteCancel: assign(({ context, event }) => ({
      ...tickFields(event as SymbolTick),
      cancelRequested: true,
      reasons: entryDoubts(event as SymbolTick, context.side!),
      counters: { ...context.counters, cancels: context.counters.cancels + 1 },
    })),
    noteFailed: assign(({ context, event }) => {
      const e = event as Extract<SymbolEvent, { type: 'entry.failed' }>;
      return { side: null, lastAt: e.at, cancelRequested: false, reasons: [e.reason], counters: { ...context.counters, failed: context.counters.failed + 1 } };
    }),
    noteFill: assign(({ context, event }) => {
      const e = event as Filled;
      const prev = context.entry;
      // Partial fills add up to one entry at the quantity-weighted average price.
      const qty = (prev?.qty ?? 0) + e.qty;
      const price = prev && qty > 0 ? (prev.price * prev.qty + e.price * e.qty) / qty : e.price;
      const counters = prev ? context.counters : { ...context.counters, filled: context.counters.filled + 1 };
      return { side: e.side, entry: { side: e.side, qty, price, at: prev?.at ?? e.at }, lastAt: e.at, reasons: [`entry filled ${e.qty} @ ${e.price}`], counters };
    }),
    notePhase: assign(({ event }) => {
      const e = event as Extract<SymbolEvent, { type: 'position.update' }>;
      return { phase: e.phase, lastAt: e.at, reasons: [`position ${e.phase}`] };
    }),
    noteClosed: assign(({ context, event }) => {
      const e = event as Extract<SymbolEvent, { type: 'position.closed' }>;
      const c = context.counters;
      return {
        lastAt: e.at,
        lastPnl: e.pnl,
        lastExit: e.reason,
        cooldownUntil: e.at + context.cooldownMs,
        reasons: [`closed: ${e.reason}`],
        counters: { ...c, closed: c.closed + 1, wins: c.wins + (e.pnl > 0 ? 1 : 0), losses: c.losses + (e.pnl < 0 ? 1 : 0) },
      };
    }),
    noteCooledDown: assign(() => ({ side: null, entry: null, phase: null, reasons: ['cooldown over'] })),
    noteAdopted: assign(({ event }) => {
      const e = event as Extract<SymbolEvent, { type: 'position.adopted' }>;
      return { side: e.side, entry: { side: e.side, qty: e.qty, price: e.price, at: e.at }, phase: null, cancelRequested: false, lastAt: e.at, reasons: [`position adopted: ${e.reason}`] };
    }),
    configure: assign(({ event }) => {
      const e = event as Extract<SymbolEvent, { type: 'symbol.configure' }>;
      return { watchThreshold: e.watchThreshold, armThreshold: e.armThreshold, cooldownMs: e.cooldownMs };
    }),
  },
}).createMachine({
  id: 'symbol',
  initial: 'FLAT',
  context: ({ input }) => ({
    id: input.id,
    watchThreshold: input.watchThreshold,
    armThreshold: input.armThreshold,
    cooldownMs: input.cooldownMs,
    side: null,
    entry: null,
    phase: null,
    regime: null,
    bookSynced: false,
    lastAt: 0,
    reasons: [],
    cancelRequested: false,
    cooldownUntil: null,
    lastPnl: null,
    lastExit: null,
    counters: EMPTY_COUNTERS,
  }),
  on: {
    'debug.crash': { actions: 'crash' },
    'symbol.configure': { actions: 'configure' },
  },
  states: {
    FLAT: {
      on: {
        ...ADOPT,
        'market.tick': [
          BLOCK,
          { guard: bySide('watch', 'long'), target: 'WATCHING_LONG', actions: bySide('noteWatch', 'long') },
          { guard: bySide('watch', 'short'), target: 'WATCHING_SHORT', actions: bySide('noteWatch', 'short') },
          { actions: 'noteTick' },
        ],
      },
    },
    WATCHING_LONG: watching('long'),
    WATCHING_SHORT: watching('short'),
    ARMED_LONG: armed('long'),
    ARMED_SHORT: armed('short'),
    ORDER_PLACED: {
      entry: 'placeEntry',
      on: {
        'entry.filled': { target: 'IN_POSITION', actions: 'noteFill' },
        'entry.failed': { target: 'FLAT', actions: 'noteFailed' },
        'market.tick': [{ guard: 'entryDoubted', actions: ['noteCancel', 'cancelEntry'] }, { actions: 'noteTick' }],
      },
    },
    IN_POSITION: {
      on: {
        'entry.filled': { actions: 'noteFill' },
        'position.update': { target: 'MANAGING', actions: 'notePhase' },
        'position.closed': { target: 'EXITED', actions: 'noteClosed' },
        'market.tick': { actions: 'noteTick' },
      },
    },
    MANAGING: {
      on: {
        'entry.filled': { actions: 'noteFill' },
        'position.update': { actions: 'notePhase' },
        'position.closed': { target: 'EXITED', actions: 'noteClosed' },
        'market.tick': { actions: 'noteTick' },
      },
    },
    EXITED: {
      on: { ...ADOPT, 'market.tick': { target: 'COOLDOWN', actions: 'noteTick' } },
    },
    COOLDOWN: {
      after: { cooldown: { target: 'FLAT', actions: 'noteCooledDown' } },
      on: {
        ...ADOPT,
        'market.tick': [
          BLOCK,
          { guard: 'cooldownOver', target: 'FLAT', actions: ['noteTick', 'noteCooledDown'] },
          { actions: 'noteTick' },
        ],
      },
    },
    BLOCKED_REGIME: {
      on: {
        ...ADOPT,
        'market.tick': [
          { guard: 'blocks', actions: 'noteStillBlocked' },
          { guard: 'cooldownLeft', target: 'COOLDOWN', actions: 'noteCleared' },
          { target: 'FLAT', actions: 'noteCleared' },
        ],
      },
    },
  },
});
