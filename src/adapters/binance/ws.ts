/**
 * Binance WebSocket frames: the combined-stream URL and SUBSCRIBE / UNSUBSCRIBE method frames.
 * There is no application-level ping: the server sends protocol pings and `ws` answers them.
 */

/** Returns the combined-stream URL on a ws base: frames then arrive as `{stream, data}`. */
export function combinedStreamUrl(wsBase: string): string {
  return `${wsBase.replace(/\/+$/, '')}/stream`;
}

/**
 * Returns `{"method", "params", "id"}` frames carrying at most `perRequest` streams each. Frame i
 * gets id `requestId + i` so every ack names the request it answers.
 */
export function methodFrames(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', topics: readonly string[], requestId: number, perRequest: number): string[] {
  const frames: string[] = [];
  const step = Math.max(1, perRequest);
  for (let i = 0; i < topics.length; i += step) {
    frames.push(JSON.stringify({ method, params: topics.slice(i, i + step), id: requestId + frames.length }));
  }
  return frames;
}
