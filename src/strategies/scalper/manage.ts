/**
 * Managing an open scalp, one market reading at a time: a pure step from the position's exit
 * state and the touch to the next state and what to do.
 *
 * For a long (a short is the mirror image), with px = the best bid (where a close would sell):
 *   1. px ≤ stop                         ⇒ close all (`stop`, `breakeven-stop`, `trailing-stop` or
 *                                          `panic-stop` after what last moved it)
 *   2. age ≥ maxHoldMs                   ⇒ close all (`max-hold`)
 *   3. px ≥ tp2                          ⇒ close all (`tp2`)
 *   4. px ≥ tp1, TP1 not yet taken       ⇒ close tp1Share (`tp1`); the stop moves to at least the
 *                                          break-even stop (entry + fees) and trailing starts
 *   5. px ≥ breakEvenAt (unrealized PnL = fees × (1 + buffer)) ⇒ the stop moves to breakEvenStop
 *   6. trailing (after break-even or TP1): stop ≥ peak × (1 − trail), trail = max(minTrailBps,
 *      trailBps × trailFactor[pump phase]): tighter in BLOWOFF and DUMP
 *   7. GLOBAL_PANIC                      ⇒ the stop moves to px × (1 − minTrailBps): what is open is
 *                                          protected at the tightest trail, not left to its plan
 * The stop only ever moves toward profit. Prices are quote floats; the close orders that follow
 * are rounded onto the instrument's grid by the caller.
 */
import type { PumpPhase } from '../../features/types.ts';
import { DEFAULT_EXIT_OPTIONS, type ExitOptions, type ExitPlan, type TradeSide } from './tpsl.ts';

export type StopKind = 'stop' | 'breakeven-stop' | 'trailing-stop' | 'panic-stop';
export type CloseReason = StopKind | 'max-hold' | 'tp1' | 'tp2';

/** The exit state of an open scalp (persisted with the trade). */
export interface ExitState {
  readonly side: TradeSide;
  readonly openedAt: number;
  readonly plan: ExitPlan;
  readonly stop: number;
  readonly stopKind: StopKind;
  readonly tp1Done: boolean;
  readonly breakEven: boolean;
  /** The best exit price seen since the entry (highest bid for a long, lowest ask for a short). */
  readonly peak: number;
  /** The worst one (the position's maximum adverse excursion). */
  readonly trough: number;
}

export interface ManageInput {
  readonly now: number;
  readonly bid: number;
  readonly ask: number;
  readonly pumpPhase: PumpPhase;
  readonly globalPanic: boolean;
  readonly maxHoldMs: number;
  readonly opts?: ExitOptions;
}

export type ManageAction =
  | { readonly kind: 'close'; readonly share: 'tp1' | 'all'; readonly reason: CloseReason; readonly price: number }
  | { readonly kind: 'stop-moved'; readonly from: number; readonly to: number; readonly why: StopKind };

export interface ManageStep {
  readonly state: ExitState;
  readonly actions: readonly ManageAction[];
}

/** Returns the exit state of a position just opened at its plan. */
export function openExit(side: TradeSide, openedAt: number, plan: ExitPlan, entry: number): ExitState {
  return { side, openedAt, plan, stop: plan.stop, stopKind: 'stop', tp1Done: false, breakEven: false, peak: entry, trough: entry };
}

/** Returns the next exit state and the actions one reading calls for. */
export function manage(s: ExitState, m: ManageInput): ManageStep {
  const o = m.opts ?? DEFAULT_EXIT_OPTIONS;
  const dir = s.side === 'long' ? 1 : -1;
  const px = s.side === 'long' ? m.bid : m.ask;
  if (!(px > 0)) return { state: s, actions: [] };
  // "a beyond b" in the trade's favour.
  const beyond = (a: number, b: number): boolean => (a - b) * dir >= 0;
  const peak = beyond(px, s.peak) ? px : s.peak;
  const trough = beyond(s.trough, px) ? px : s.trough;
  let state: ExitState = { ...s, peak, trough };
  const actions: ManageAction[] = [];

  if (beyond(state.stop, px)) return { state, actions: [{ kind: 'close', share: 'all', reason: state.stopKind, price: px }] };
  if (m.now - s.openedAt >= m.maxHoldMs) return { state, actions: [{ kind: 'close', share: 'all', reason: 'max-hold', price: px }] };
  if (beyond(px, s.plan.tp2)) return { state, actions: [{ kind: 'close', share: 'all', reason: 'tp2', price: px }] };

  const raise = (to: number, why: StopKind): void => {
    if (!(to > 0) || beyond(state.stop, to)) return;
    actions.push({ kind: 'stop-moved', from: state.stop, to, why });
    state = { ...state, stop: to, stopKind: why };
  };
  if (!state.tp1Done && beyond(px, s.plan.tp1)) {
    actions.push({ kind: 'close', share: 'tp1', reason: 'tp1', price: px });
    state = { ...state, tp1Done: true };
    if (!state.breakEven) state = { ...state, breakEven: true };
    raise(s.plan.breakEvenStop, 'breakeven-stop');
  }
  if (!state.breakEven && beyond(px, s.plan.breakEvenAt)) {
    state = { ...state, breakEven: true };
    raise(s.plan.breakEvenStop, 'breakeven-stop');
  }
  if (state.breakEven || state.tp1Done) {
    const trail = Math.max(o.minTrailBps, o.trailBps * o.trailFactor[m.pumpPhase]) / 1e4;
    raise(peak * (1 - dir * trail), 'trailing-stop');
  }
  if (m.globalPanic) raise(px * (1 - (dir * o.minTrailBps) / 1e4), 'panic-stop');
  return { state, actions };
}
