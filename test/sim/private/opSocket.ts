/**
 * The stock-client plumbing the OKX and Bitget private-side tests share: both venues sign with
 * base64 HMAC-SHA256 and log a private socket in with `{op: 'login'}` signed over
 * timestamp + "GET" + the venue's verify path, then `{op: 'subscribe'}`.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { until } from '../venues/simClient.ts';

export type Json = Record<string, any>;

/** The passphrase key a test client signs in with. */
export interface PassphraseKey {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

/** Returns the docs' signature: base64(HMAC-SHA256(secret, prehash)). */
export function sign(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

/** Returns a promise resolved after `ms` of wall time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Opens a private socket at `url`, logs in with `key` (signed over `verifyPath`) and waits for every subscribe ack; records each frame but pongs. */
export async function privateSocket(url: string, key: PassphraseKey, verifyPath: string, subscribe: Json[]): Promise<{ ws: WebSocket; frames: Json[] }> {
  const ws = new WebSocket(url);
  const frames: Json[] = [];
  ws.on('message', (d) => {
    const t = String(d);
    if (t !== 'pong') frames.push(JSON.parse(t) as Json);
  });
  await new Promise((r) => ws.once('open', r));
  const ts = String(Math.floor(Date.now() / 1000));
  ws.send(JSON.stringify({ op: 'login', args: [{ apiKey: key.apiKey, passphrase: key.passphrase, timestamp: ts, sign: sign(key.apiSecret, `${ts}GET${verifyPath}`) }] }));
  await until('login', () => frames.some((f) => f.event === 'login'));
  if (subscribe.length > 0) {
    ws.send(JSON.stringify({ op: 'subscribe', args: subscribe }));
    await until('acks', () => frames.filter((f) => f.event === 'subscribe').length >= subscribe.length);
  }
  return { ws, frames };
}
