/**
 * OKX WebSocket frames: `{"op":"subscribe","args":[{"channel":…,"instId":…}]}` batched under the
 * request limit, and the text `ping` (answered by the text `pong`).
 */
import { OKX_LIMITS } from './constants.ts';
import type { OkxWsArg, OkxWsRequest } from './messages.ts';
import { okxTopicArg } from './symbols.ts';

function frames(op: OkxWsRequest['op'], topics: readonly string[]): string[] {
  const args: OkxWsArg[] = [];
  for (const t of topics) {
    const arg = okxTopicArg(t);
    if (arg) args.push(arg);
  }
  const out: string[] = [];
  const per = OKX_LIMITS.maxTopicsPerRequest;
  for (let i = 0; i < args.length; i += per) {
    const req: OkxWsRequest = { op, args: args.slice(i, i + per) };
    out.push(JSON.stringify(req));
  }
  return out;
}

/** Returns subscribe frames for topics (OKX requests carry no id; acks echo the arg instead). */
export function okxSubscribeFrames(topics: readonly string[]): string[] {
  return frames('subscribe', topics);
}

/** Returns unsubscribe frames for topics. */
export function okxUnsubscribeFrames(topics: readonly string[]): string[] {
  return frames('unsubscribe', topics);
}

/** The application-level ping: the bare text `ping`. */
export const OKX_PING = 'ping';
export const OKX_PONG = 'pong';
