/**
 * What the operator is told, and when: the event-log records that deserve a message, turned into
 * short plain-text notices. Pure: the notifier decides how and where they go.
 */
import type { EventRecord } from '../runtime/eventLog.ts';

export type NoticeKind = 'kill_switch' | 'risk_off' | 'orphaned_leg' | 'integrity_broken' | 'close_incomplete' | 'alert' | 'daily_summary';

/** One message for the operator; `data` is what a webhook receives beside the text. */
export interface Notice {
  readonly kind: NoticeKind;
  readonly text: string;
  /** Epoch ms of what it reports. */
  readonly at: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Reads an actor's current context (the reason a transition's record does not carry). */
export type ContextOf = (actorId: string) => Readonly<Record<string, unknown>> | undefined;

/** A scalp whose close failed this many times has escalated to risk_off (trader.ts MAX_EXIT_ATTEMPTS). */
export const CLOSE_INCOMPLETE_ATTEMPTS = 5;

const SAGA_PREFIX = 'twoleg:';

/** Returns the notice a record calls for, or undefined when it calls for none. */
export function noticeOf(rec: EventRecord, contextOf: ContextOf): Notice | undefined {
  const data = isObject(rec.data) ? rec.data : {};
  switch (rec.type) {
    case 'transition':
      return transitionNotice(rec, contextOf);
    case 'alert':
      return alertNotice(rec, data);
    case 'INTEGRITY_BROKEN': {
      const venue = str(data.venue) ?? 'a venue';
      const mismatches = Array.isArray(data.mismatches) ? data.mismatches : [];
      const kinds = [...new Set(mismatches.map((m) => (isObject(m) ? str(m.kind) : undefined)).filter(Boolean))];
      return {
        kind: 'integrity_broken',
        at: rec.ts,
        text: `🚨 INTEGRITY BROKEN on ${venue}: ${mismatches.length} mismatch(es)${kinds.length ? ` (${kinds.join(', ')})` : ''} between local state and the venue. New orders there are blocked until you adopt or flatten via the API.`,
        data: { venue, mismatches },
      };
    }
    case 'scalp.close-incomplete': {
      const attempts = typeof data.attempts === 'number' ? data.attempts : 0;
      if (attempts < CLOSE_INCOMPLETE_ATTEMPTS) return undefined;
      const instrument = rec.actor?.startsWith('symbol:') ? rec.actor.slice('symbol:'.length) : (rec.actor ?? '?');
      return {
        kind: 'close_incomplete',
        at: rec.ts,
        text: `⚠️ Scalp ${str(data.id) ?? '?'} on ${instrument}: ${attempts} close attempts left ${str(data.open) ?? '?'} open (last order ${str(data.status) ?? '?'}). Portfolio sent to risk_off; check the position.`,
        data: { instrument, id: data.id, open: data.open, attempts, status: data.status },
      };
    }
    default:
      return undefined;
  }
}

function transitionNotice(rec: EventRecord, contextOf: ContextOf): Notice | undefined {
  if (!rec.actor || rec.to === rec.from) return undefined;
  if (rec.actor === 'portfolio' && (rec.to === 'killed' || rec.to === 'risk_off')) {
    const ctx = contextOf('portfolio');
    const reason = str(ctx?.reason) ?? rec.event ?? 'no reason recorded';
    const mode = str(ctx?.mode);
    const data = { from: rec.from, to: rec.to, event: rec.event, reason, ...(mode ? { mode } : {}) };
    if (rec.to === 'killed') {
      return { kind: 'kill_switch', at: rec.ts, text: `🛑 KILL SWITCH: portfolio killed${mode ? ` (${mode.toUpperCase()})` : ''}. Reason: ${reason}. Orders canceled, positions flattened, new orders refused.`, data };
    }
    return { kind: 'risk_off', at: rec.ts, text: `⚠️ RISK OFF${mode ? ` (${mode.toUpperCase()})` : ''}: no new positions. Reason: ${reason}.`, data };
  }
  if (rec.actor.startsWith(SAGA_PREFIX) && rec.to === 'orphaned') {
    const ctx = contextOf(rec.actor);
    const saga = rec.actor.slice(SAGA_PREFIX.length);
    const route = str(ctx?.route) ?? '?';
    const reason = str(ctx?.reason);
    return {
      kind: 'orphaned_leg',
      at: rec.ts,
      text: `⚠️ Orphaned leg: saga ${saga} on ${route} has one leg filled without its hedge${reason ? ` (${reason})` : ''}; recovering.`,
      data: { saga, route, from: rec.from, event: rec.event, ...(reason ? { reason } : {}) },
    };
  }
  return undefined;
}

function alertNotice(rec: EventRecord, data: Record<string, unknown>): Notice {
  const kind = str(data.kind) ?? 'alert';
  if (kind === 'orphaned_leg') {
    const saga = rec.actor?.startsWith(SAGA_PREFIX) ? rec.actor.slice(SAGA_PREFIX.length) : (rec.actor ?? '?');
    const reason = str(data.reason);
    return {
      kind: 'orphaned_leg',
      at: rec.ts,
      text: `🚨 Orphaned leg left open: saga ${saga} failed to recover${reason ? ` (${reason})` : ''}. Portfolio sent to risk_off; flatten or adopt the leg.`,
      data: { saga, failed: true, ...(reason ? { reason } : {}) },
    };
  }
  const detail = Object.entries(data)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return { kind: 'alert', at: rec.ts, text: `🚨 Alert ${kind}${rec.actor ? ` on ${rec.actor}` : ''}${detail ? `: ${detail}` : ''}`, data: { ...data, ...(rec.actor ? { actor: rec.actor } : {}) } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
