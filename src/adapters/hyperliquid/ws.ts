/**
 * Hyperliquid WebSocket requests: one subscription per frame, and the app-level ping the server
 * needs to keep a connection it would otherwise close after 60 s of client silence.
 */
import { HYPERLIQUID_WS_PATH } from './constants.ts';
import type { HyperliquidWsRequest } from './messages.ts';
import { hyperliquidSubscription } from './symbols.ts';

function frames(method: 'subscribe' | 'unsubscribe', topics: readonly string[]): string[] {
  return topics.map((t) => {
    const req: HyperliquidWsRequest = { method, subscription: hyperliquidSubscription(t) };
    return JSON.stringify(req);
  });
}

/** Returns one subscribe frame per topic (Hyperliquid has no request id). */
export function hyperliquidSubscribeFrames(topics: readonly string[], _requestId: number): string[] {
  return frames('subscribe', topics);
}

/** Returns one unsubscribe frame per topic. */
export function hyperliquidUnsubscribeFrames(topics: readonly string[], _requestId: number): string[] {
  return frames('unsubscribe', topics);
}

/** Returns the ping frame (answered by {"channel":"pong"}). */
export function hyperliquidPingFrame(): string {
  return '{"method":"ping"}';
}

/** Returns the stream URL under a ws base (a base that already ends with /ws is kept). */
export function hyperliquidConnectUrl(wsBase: string): string {
  const base = wsBase.replace(/\/+$/, '');
  return base.endsWith(HYPERLIQUID_WS_PATH) ? base : base + HYPERLIQUID_WS_PATH;
}
