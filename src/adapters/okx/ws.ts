/**
 * OKX WebSocket frames: `{"op":"subscribe","args":[{"channel":…,"instId":…}]}` batched under the
 * request limit, and the text `ping` (answered by the text `pong`).
 */
import { OKX_LIMITS } from './constants.ts';
import { opFrames } from '../opFrames.ts';
import type { OkxWsArg, OkxWsRequest } from './messages.ts';
import { okxTopicArg } from './symbols.ts';

function frames(op: OkxWsRequest['op'], topics: readonly string[]): string[] {
  return opFrames<OkxWsArg>(op, topics, okxTopicArg, OKX_LIMITS.maxTopicsPerRequest);
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
