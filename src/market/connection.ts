/**
 * One public WebSocket connection of a venue: opens, sends subscribe frames within the venue's
 * outgoing-frame rate, pings (app level where the venue wants it, protocol level otherwise), and
 * reports every frame with its receive time. It owns the BookSync of each instrument it carries,
 * so a replacement connection (planned reconnect) can sync its own books before taking over.
 */
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import type { Instrument } from '../model/instrument.ts';
import { BookSync } from './bookSync.ts';

export interface ConnectionHooks {
  opened(conn: Connection): void;
  frame(conn: Connection, text: string, tsRecv: number): void;
  closed(conn: Connection, reason: string): void;
}

export type ConnectionState = 'opening' | 'open' | 'subscribing' | 'subscribed' | 'closed';

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  state: ConnectionState = 'opening';
  openedAt = 0;
  lastFrameAt = 0;
  lastPingAt = 0;
  /** Subscribe requests not yet acknowledged while subscribing. */
  pendingAcks = 0;
  /** Books this connection feeds, by instrument id. */
  readonly books = new Map<string, BookSync>();
  /** The connection this one replaces once its books are synced (planned reconnect). */
  replacing: Connection | undefined;
  private ws: WebSocket | undefined;
  private readonly outbox: string[] = [];
  private sendTimer: TimerHandle | undefined;
  private lastSendAt = -Infinity;
  private nextRequestId = 1;

  /** Instruments and topics carried; they grow and shrink while running (`add`, `remove`). */
  readonly instruments: Instrument[];
  readonly topics: string[];

  constructor(
    readonly url: string,
    readonly adapter: PublicAdapter,
    instruments: readonly Instrument[],
    topics: readonly string[],
    readonly prime: boolean,
    private readonly depth: number,
    private readonly clock: Clock,
    private readonly hooks: ConnectionHooks,
  ) {
    this.instruments = [...instruments];
    this.topics = [...topics];
    for (const inst of instruments) {
      this.books.set(inst.id, new BookSync(inst.id, adapter.syncRule));
    }
  }

  /**
   * Carries more instruments after start (a new listing): their books are created, and once the
   * connection has subscribed, their topics are subscribed now (the ack counts nothing: the
   * connection is already subscribed). Returns the new books.
   */
  add(insts: readonly Instrument[], topics: readonly string[]): BookSync[] {
    const books: BookSync[] = [];
    for (const inst of insts) {
      if (this.books.has(inst.id)) continue;
      const sync = new BookSync(inst.id, this.adapter.syncRule);
      this.books.set(inst.id, sync);
      this.instruments.push(inst);
      books.push(sync);
    }
    this.topics.push(...topics);
    if (topics.length === 0 || (this.state !== 'subscribing' && this.state !== 'subscribed')) return books;
    const frames = this.adapter.subscribeFrames(topics, this.nextRequestId++);
    // Still subscribing: the initial acks are being counted, so these count too.
    if (this.state === 'subscribing') this.pendingAcks += frames.length;
    for (const f of frames) this.send(f);
    return books;
  }

  /** Stops carrying an instrument (delisted): unsubscribes its topics and forgets its book. */
  remove(inst: Instrument, topics: readonly string[]): void {
    if (!this.books.delete(inst.id)) return;
    const at = this.instruments.findIndex((i) => i.id === inst.id);
    if (at >= 0) this.instruments.splice(at, 1);
    const gone = new Set(topics);
    for (let i = this.topics.length - 1; i >= 0; i--) if (gone.has(this.topics[i]!)) this.topics.splice(i, 1);
    if (this.isOpen && topics.length > 0) for (const f of this.adapter.unsubscribeFrames(topics, this.nextRequestId++)) this.send(f);
  }

  open(): void {
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.state = 'open';
      this.openedAt = this.lastFrameAt = this.clock.now();
      this.hooks.opened(this);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const ts = this.clock.now();
      this.lastFrameAt = ts;
      this.hooks.frame(this, isBinary ? data.toString('utf8') : String(data), ts);
    });
    ws.on('pong', () => {
      this.lastFrameAt = this.clock.now();
    });
    ws.on('error', (err) => this.finish(`socket error: ${err.message}`));
    ws.on('close', (code, reason) => this.finish(`closed by peer (${code}${reason.length ? ` ${String(reason)}` : ''})`));
  }

  /** Sends every topic's subscribe frames; returns how many requests await an ack. */
  subscribeAll(): number {
    this.state = 'subscribing';
    const frames = this.adapter.subscribeFrames([...this.topics, ...(this.adapter.sharedTopics?.() ?? [])], this.nextRequestId++);
    this.pendingAcks = frames.length;
    for (const f of frames) this.send(f);
    return frames.length;
  }

  /** Resubscribes one instrument's book topic (the venue answers with a fresh snapshot). */
  resubscribeBook(inst: Instrument): void {
    const topic = this.adapter.bookTopic(inst, this.depth);
    for (const f of this.adapter.unsubscribeFrames([topic], this.nextRequestId++)) this.send(f);
    for (const f of this.adapter.subscribeFrames([topic], this.nextRequestId++)) this.send(f);
  }

  /** Counts one subscribe ack; returns true when the last one arrived. */
  acked(): boolean {
    if (this.state !== 'subscribing') return false;
    this.pendingAcks = Math.max(0, this.pendingAcks - 1);
    if (this.pendingAcks > 0) return false;
    this.state = 'subscribed';
    return true;
  }

  /** Pings when due and returns false when the connection has been silent past the venue's limit. */
  heartbeat(now: number): boolean {
    if (this.state === 'closed' || this.state === 'opening') return true;
    const { pingIntervalMs, silenceTimeoutMs } = this.adapter.limits;
    if (now - this.lastFrameAt > silenceTimeoutMs) return false;
    const every = pingIntervalMs > 0 ? pingIntervalMs : 20_000;
    if (now - this.lastPingAt >= every) {
      this.lastPingAt = now;
      const ping = this.adapter.pingFrame();
      if (ping !== undefined) this.send(ping);
      else this.ws?.ping();
    }
    return true;
  }

  /** Queues a frame; frames leave no faster than the venue's outgoing limit. */
  send(frame: string): void {
    this.outbox.push(frame);
    this.pump();
  }

  /** Closes the socket (idempotent); `closed` is reported once. */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.ws?.terminate();
    this.finish(reason);
  }

  get isOpen(): boolean {
    return this.state !== 'closed' && this.state !== 'opening';
  }

  private pump(): void {
    if (this.sendTimer !== undefined || this.state === 'closed') return;
    const gap = 1000 / this.adapter.limits.maxFramesPerSecond;
    while (this.outbox.length > 0 && this.ws?.readyState === WebSocket.OPEN) {
      const now = this.clock.now();
      const wait = this.lastSendAt + gap - now;
      if (wait > 0) {
        this.sendTimer = this.clock.setTimeout(() => {
          this.sendTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.lastSendAt = now;
      this.ws.send(this.outbox.shift()!);
    }
  }

  private finish(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.sendTimer !== undefined) this.clock.clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.outbox.length = 0;
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => {});
    this.hooks.closed(this, reason);
  }
}
