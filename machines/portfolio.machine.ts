/**
 * The portfolio: the one place that says whether new risk may be taken.
 *   normal ⇄ paused (operator), normal|paused → risk_off (escalation, limits),
 *   any → killed (kill switch; sticky across restarts until an explicit reset).
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';

export type Mode = 'sim' | 'dry' | 'live' | 'signal';

export interface PortfolioContext {
  readonly mode: Mode;
  readonly reason: string | null;
  readonly changedAt: number | null;
  readonly kills: number;
}

export interface PortfolioInput {
  readonly mode: Mode;
}

export type PortfolioEvent =
  | { readonly type: 'portfolio.pause'; readonly at: number; readonly by?: string }
  | { readonly type: 'portfolio.resume'; readonly at: number; readonly by?: string }
  | { readonly type: 'risk.escalate'; readonly at: number; readonly reason: string }
  | { readonly type: 'risk.kill'; readonly at: number; readonly reason: string }
  | { readonly type: 'portfolio.reset'; readonly at: number; readonly by: string }
  | { readonly type: 'portfolio.mode'; readonly mode: Mode }
  | DebugCrashEvent;

const note = (reason: (e: PortfolioEvent) => string | null) =>
  assign<PortfolioContext, PortfolioEvent, undefined, PortfolioEvent, never>(({ event }) => ({
    reason: reason(event),
    changedAt: 'at' in event ? event.at : null,
  }));

export const portfolioMachine = setup({
  types: {
    context: {} as PortfolioContext,
    events: {} as PortfolioEvent,
    input: {} as PortfolioInput,
  },
  actions: {
    crash,
    noteReason: note((e) => ('reason' in e ? e.reason : null)),
    notePause: note((e) => `paused${'by' in e && e.by ? ` by ${e.by}` : ''}`),
    clearReason: note(() => null),
    countKill: assign({ kills: ({ context }) => context.kills + 1 }),
    setMode: assign({ mode: ({ event }) => (event as Extract<PortfolioEvent, { type: 'portfolio.mode' }>).mode }),
  },
}).createMachine({
  id: 'portfolio',
  initial: 'normal',
  context: ({ input }) => ({ mode: input.mode, reason: null, changedAt: null, kills: 0 }),
  on: {
    'debug.crash': { actions: 'crash' },
    // The mode the daemon runs in; switching modes with its safeguards comes with execution.
    'portfolio.mode': { actions: 'setMode' },
    'risk.kill': { target: '.killed', actions: ['noteReason', 'countKill'] },
  },
  states: {
    normal: {
      on: {
        'portfolio.pause': { target: 'paused', actions: 'notePause' },
        'risk.escalate': { target: 'risk_off', actions: 'noteReason' },
      },
    },
    paused: {
      on: {
        'portfolio.resume': { target: 'normal', actions: 'clearReason' },
        'risk.escalate': { target: 'risk_off', actions: 'noteReason' },
      },
    },
    risk_off: {
      on: { 'portfolio.reset': { target: 'normal', actions: 'clearReason' } },
    },
    killed: {
      // A second kill is absorbed here (no re-entry), so the kill count is of real kills.
      on: {
        'risk.kill': {},
        'portfolio.reset': { target: 'normal', actions: 'clearReason' },
      },
    },
  },
});

/** Returns true when the portfolio state admits opening new positions. */
export function mayOpen(state: string): boolean {
  return state === 'normal';
}
