/**
 * Bybit v5 public WebSocket requests: subscribe and unsubscribe in batches of at most 10 args,
 * and the app-level ping the venue expects every 20 s.
 */
import { BYBIT_LIMITS, BYBIT_LINEAR_WS_PATH } from './constants.ts';
import type { BybitWsRequest } from './messages.ts';

function batches(op: 'subscribe' | 'unsubscribe', topics: readonly string[], requestId: number): string[] {
  const frames: string[] = [];
  const per = BYBIT_LIMITS.maxTopicsPerRequest;
  for (let i = 0, n = 0; i < topics.length; i += per, n++) {
    // req_id is echoed in the ack; one per frame so each ack names its batch.
    const req: BybitWsRequest = { op, args: topics.slice(i, i + per), req_id: `${requestId}${n === 0 ? '' : `-${n}`}` };
    frames.push(JSON.stringify(req));
  }
  return frames;
}

/** Returns the subscribe frames for these topics. */
export function bybitSubscribeFrames(topics: readonly string[], requestId: number): string[] {
  return batches('subscribe', topics, requestId);
}

/** Returns the unsubscribe frames for these topics. */
export function bybitUnsubscribeFrames(topics: readonly string[], requestId: number): string[] {
  return batches('unsubscribe', topics, requestId);
}

/** Returns the ping frame. */
export function bybitPingFrame(): string {
  return '{"op":"ping"}';
}

/** Returns the public linear stream URL under a ws base (a base that already ends with the path is kept). */
export function bybitConnectUrl(wsBase: string): string {
  const base = wsBase.replace(/\/+$/, '');
  return base.endsWith(BYBIT_LINEAR_WS_PATH) ? base : base + BYBIT_LINEAR_WS_PATH;
}
