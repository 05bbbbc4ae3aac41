/**
 * One private WebSocket of a venue, kept alive: opens (the URL may be fetched first, e.g. a
 * Binance listen key), lets the venue's code log in and subscribe, pings on the venue's cadence,
 * declares the connection dead after a silence, and reconnects with exponential backoff and
 * seeded jitter. The venue's code calls `live()` once its login and subscriptions are acknowledged;
 * `onState` reports `up` then, and `down` on every loss, so execution reconciles what it missed.
 * Time and timers come from the injected clock only.
 */
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { seededRng } from '../core/rng.ts';

export interface PrivateSocketOptions {
  readonly name: string;
  readonly clock: Clock;
  /** The URL to open; called before every (re)connect. */
  url(): Promise<string> | string;
  /** Runs on open: send the login (or nothing) and the subscriptions. */
  onOpen(sock: PrivateSocket): void;
  /** Every text frame, with its receive time. */
  onFrame(text: string, ts: number): void;
  onState(state: 'up' | 'down', reason: string): void;
  /** App-level ping frame (undefined: protocol-level pings). */
  pingFrame?(): string | undefined;
  readonly pingIntervalMs?: number;
  /** No frame at all for this long: the connection is dead. */
  readonly silenceMs?: number;
  /** Login and subscriptions must be acknowledged within this. */
  readonly liveTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly seed?: string;
}

export class PrivateSocket {
  private ws: WebSocket | undefined;
  private stopped = true;
  private isLive = false;
  private failures = 0;
  private lastFrameAt = 0;
  private timers: TimerHandle[] = [];
  private reconnectTimer: TimerHandle | undefined;
  private readonly rng;
  private firstLive: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly o: PrivateSocketOptions) {
    this.rng = seededRng(o.seed ?? o.name);
  }

  get connected(): boolean {
    return this.isLive;
  }

  /** Connects; resolves once live the first time, rejects if the first attempt fails. */
  start(): Promise<void> {
    this.stopped = false;
    return new Promise<void>((resolve, reject) => {
      this.firstLive = { resolve, reject };
      void this.connect();
    });
  }

  /** Closes for good; no reconnect. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    if (this.reconnectTimer) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.teardown('stopped');
    this.firstLive?.reject(new Error(`${this.o.name}: stopped before the stream was live`));
    this.firstLive = undefined;
  }

  send(frame: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /** The venue's code: login and subscriptions acknowledged. */
  live(): void {
    if (this.isLive || !this.ws) return;
    this.isLive = true;
    this.failures = 0;
    this.o.onState('up', 'subscribed');
    this.firstLive?.resolve();
    this.firstLive = undefined;
  }

  /** The venue's code: login refused or the stream unusable; drops the connection and retries. */
  fail(reason: string): void {
    this.drop(reason);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      url = await this.o.url();
    } catch (e) {
      this.drop(`cannot get the stream URL: ${errorMessage(e)}`);
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.lastFrameAt = this.o.clock.now();
      this.arm();
      try {
        this.o.onOpen(this);
      } catch (e) {
        this.drop(`login failed: ${errorMessage(e)}`);
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const ts = this.o.clock.now();
      this.lastFrameAt = ts;
      this.o.onFrame(data.toString(), ts);
    });
    ws.on('pong', () => {
      this.lastFrameAt = this.o.clock.now();
    });
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.drop(`closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`);
    });
    ws.on('error', (e) => {
      if (this.ws === ws) this.drop(`socket error: ${e.message}`);
    });
  }

  private arm(): void {
    const { clock } = this.o;
    const liveBy = this.o.liveTimeoutMs ?? 10_000;
    this.timers.push(clock.setTimeout(() => {
      if (!this.isLive) this.drop(`not live within ${liveBy} ms of opening`);
    }, liveBy));
    const every = this.o.pingIntervalMs ?? 20_000;
    const silence = this.o.silenceMs ?? every * 2 + 5_000;
    const tick = (): void => {
      if (!this.ws) return;
      if (clock.now() - this.lastFrameAt > silence) {
        this.drop(`silent for more than ${silence} ms`);
        return;
      }
      const frame = this.o.pingFrame?.();
      if (frame !== undefined) this.send(frame);
      else if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
      this.timers.push(clock.setTimeout(tick, every));
    };
    this.timers.push(clock.setTimeout(tick, every));
  }

  private clearTimers(): void {
    for (const t of this.timers) this.o.clock.clearTimeout(t);
    this.timers = [];
  }

  /** Closes the socket without its events firing again, and reports `down` if it was live. */
  private teardown(reason: string): void {
    const ws = this.ws;
    this.ws = undefined;
    this.clearTimers();
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    if (this.isLive) {
      this.isLive = false;
      this.o.onState('down', reason);
    }
  }

  private drop(reason: string): void {
    this.teardown(reason);
    if (this.stopped) return;
    if (this.firstLive && this.failures === 0) {
      // The first attempt failing is reported to start(); reconnecting continues regardless.
      this.firstLive.reject(new Error(`${this.o.name}: ${reason}`));
      this.firstLive = undefined;
    }
    this.failures++;
    const b = this.o.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(16, this.failures - 1));
    const delay = Math.round(base / 2 + this.rng.next() * (base / 2));
    if (this.reconnectTimer) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }
}
