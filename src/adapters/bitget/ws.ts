/**
 * Bitget v2 WebSocket frames: `{"op":"subscribe","args":[{"instType":…,"channel":…,"instId":…}]}`
 * batched under the request limit, and the text `ping` every 30 s (answered by `pong`).
 */
import { BITGET_LIMITS } from './constants.ts';
import { opFrames } from '../opFrames.ts';
import type { BitgetWsArg, BitgetWsRequest } from './messages.ts';
import { bitgetTopicArg } from './symbols.ts';

function frames(op: BitgetWsRequest['op'], topics: readonly string[]): string[] {
  return opFrames<BitgetWsArg>(op, topics, bitgetTopicArg, BITGET_LIMITS.maxTopicsPerRequest);
}

/** Returns subscribe frames for topics (Bitget requests carry no id; acks echo the arg). */
export function bitgetSubscribeFrames(topics: readonly string[]): string[] {
  return frames('subscribe', topics);
}

/** Returns unsubscribe frames for topics. */
export function bitgetUnsubscribeFrames(topics: readonly string[]): string[] {
  return frames('unsubscribe', topics);
}

export const BITGET_PING = 'ping';
export const BITGET_PONG = 'pong';
