/**
 * The notifier: takes notices from the event log (and the daily summary timer) and delivers each to
 * every configured channel without ever holding up trading. `enqueue` only pushes onto a bounded
 * in-memory queue per channel (the oldest is dropped, and counted, when it is full); one background
 * loop per channel sends with a timeout per call and retries network errors, 429 and 5xx with
 * exponential backoff (or the server's retry-after). Every message ends in one `notify.sent` or
 * `notify.failed` record per channel, and the same text again within `coalesceMs` is sent once.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import type { NotifyConfig } from '../config/schema.ts';
import type { EventRecord } from '../runtime/eventLog.ts';
import type { Attempt, Channel } from './channel.ts';
import { dailySummaryNotice, nextDailyAt, type DailyNumbers } from './dailySummary.ts';
import { noticeOf, type ContextOf, type Notice } from './messages.ts';
import { TelegramChannel } from './telegram.ts';
import { WebhookChannel } from './webhook.ts';

export interface NotifierDeps {
  readonly config: NotifyConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Appends an event-log record (`notify.sent`, `notify.failed`). */
  readonly log: (type: string, data: Record<string, unknown>) => void;
  /** The channels; by default those the config enables. */
  readonly channels?: readonly Channel[];
  /** The daily summary's numbers for the 24 hours ending at `until`. */
  readonly summary?: (until: number) => DailyNumbers | undefined;
}

export interface NotifierStats {
  sent: number;
  failed: number;
  dropped: number;
  coalesced: number;
  queued: number;
}

/** Returns the channels a notify config enables. */
export function channelsOf(config: NotifyConfig, clock: Clock): Channel[] {
  const out: Channel[] = [];
  const t = config.telegram;
  if (t.enabled && t.token && t.chatId !== undefined) out.push(new TelegramChannel({ baseUrl: t.baseUrl, token: t.token, chatId: t.chatId, clock }));
  const w = config.webhook;
  if (w.enabled && w.url) out.push(new WebhookChannel({ url: w.url, ...(w.headers ? { headers: w.headers } : {}), clock }));
  return out;
}

interface Lane {
  readonly channel: Channel;
  readonly queue: Notice[];
  running: boolean;
}

export class Notifier {
  private readonly lanes: Lane[];
  private readonly recent = new Map<string, number>();
  private readonly stopCtrl = new AbortController();
  private readonly sleeps = new Set<{ handle: TimerHandle; wake: () => void }>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly subs: Subscription[] = [];
  private dailyTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly counts = { sent: 0, failed: 0, dropped: 0, coalesced: 0 };

  constructor(private readonly d: NotifierDeps) {
    this.lanes = (d.channels ?? channelsOf(d.config, d.clock)).map((channel) => ({ channel, queue: [], running: false }));
  }

  /** The channels' names, in delivery order. */
  get channels(): string[] {
    return this.lanes.map((l) => l.channel.name);
  }

  /** Arms the daily summary (when configured and a channel exists). */
  start(): void {
    if (this.lanes.length === 0 || this.d.config.dailySummaryUtcHour === null || !this.d.summary) return;
    this.armDaily();
  }

  /** Notifies what each record calls for; `contextOf` supplies the reasons transitions do not carry. */
  watch(records$: Observable<EventRecord>, contextOf: ContextOf): void {
    if (this.lanes.length === 0) return;
    this.subs.push(
      records$.subscribe((rec) => {
        // A record that cannot be read as a notice must not break the subscription (or the log's subject).
        try {
          const notice = noticeOf(rec, contextOf);
          if (notice) this.enqueue(notice);
        } catch (e) {
          this.d.logger.warn({ err: errorMessage(e), seq: rec.seq, type: rec.type }, 'notification not built');
        }
      }),
    );
  }

  /**
   * Queues a notice for every channel and returns at once: false when it was not queued (stopped,
   * no channel, or the same text was queued within `coalesceMs`).
   */
  enqueue(notice: Notice): boolean {
    if (this.stopped || this.lanes.length === 0) return false;
    const now = this.d.clock.now();
    const last = this.recent.get(notice.text);
    if (last !== undefined && now - last < this.d.config.coalesceMs) {
      this.counts.coalesced++;
      this.d.logger.debug({ kind: notice.kind, coalesced: this.counts.coalesced }, 'notification coalesced with an identical one');
      return false;
    }
    this.recent.set(notice.text, now);
    if (this.recent.size > 256) for (const [text, at] of this.recent) if (now - at >= this.d.config.coalesceMs) this.recent.delete(text);
    for (const lane of this.lanes) {
      if (lane.queue.length >= this.d.config.queueSize) {
        const oldest = lane.queue.shift()!;
        this.counts.dropped++;
        this.d.logger.warn({ channel: lane.channel.name, kind: oldest.kind, dropped: this.counts.dropped, queueSize: this.d.config.queueSize }, 'notification queue full: oldest message dropped');
        this.record('notify.failed', lane, oldest, 0, { error: 'dropped: queue full' });
      }
      lane.queue.push(notice);
      if (!lane.running) void this.pump(lane);
    }
    return true;
  }

  stats(): NotifierStats {
    return { ...this.counts, queued: this.lanes.reduce((n, l) => n + l.queue.length, 0) };
  }

  /** Resolves once every queue is empty and nothing is in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.lanes.every((l) => !l.running && l.queue.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: aborts calls in flight, cancels waits, drops what is queued (logged) and arms nothing more. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    if (this.dailyTimer !== undefined) this.d.clock.clearTimeout(this.dailyTimer);
    const unsent = this.lanes.reduce((n, l) => n + l.queue.length, 0);
    for (const l of this.lanes) l.queue.length = 0;
    if (unsent) this.d.logger.warn({ unsent }, 'notifier stopped with messages unsent');
    this.stopCtrl.abort();
    for (const s of [...this.sleeps]) {
      this.d.clock.clearTimeout(s.handle);
      s.wake();
    }
    await this.idle();
  }

  private async pump(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      for (let notice = lane.queue.shift(); notice && !this.stopped; notice = lane.queue.shift()) {
        await this.deliver(lane, notice);
      }
    } finally {
      lane.running = false;
      if (this.lanes.every((l) => !l.running && l.queue.length === 0)) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async deliver(lane: Lane, notice: Notice): Promise<void> {
    const { retry, timeoutMs } = this.d.config;
    const channel = lane.channel.name;
    let last: Attempt | undefined;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stopCtrl.signal]);
      try {
        last = await lane.channel.send(notice, signal);
      } catch (e) {
        last = { ok: false, retry: true, error: errorMessage(e) };
      }
      if (last.ok) {
        this.counts.sent++;
        this.d.logger.info({ channel, kind: notice.kind, attempts: attempt }, 'notification sent');
        this.record('notify.sent', lane, notice, attempt, { status: last.status });
        return;
      }
      if (this.stopped) break;
      if (!last.retry || attempt === retry.attempts) {
        this.fail(lane, notice, attempt, last);
        return;
      }
      const backoff = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1));
      // A server's retry-after is obeyed even past maxMs: sooner would only be refused again.
      const waitMs = last.afterMs ?? backoff;
      this.d.logger.debug({ channel, kind: notice.kind, attempt, status: last.status, error: last.error, waitMs }, 'notification attempt failed; retrying');
      await this.sleep(waitMs);
      if (this.stopped) break;
    }
    this.fail(lane, notice, retry.attempts, last ?? { ok: false, retry: false, error: 'stopped' }, 'stopped');
  }

  private fail(lane: Lane, notice: Notice, attempts: number, a: Attempt, why?: string): void {
    this.counts.failed++;
    const error = why ?? (a.ok ? 'unknown' : a.error);
    const status = a.ok ? undefined : a.status;
    this.d.logger.warn({ channel: lane.channel.name, kind: notice.kind, attempts, status, error }, 'notification failed');
    this.record('notify.failed', lane, notice, attempts, { error, ...(status !== undefined ? { status } : {}) });
  }

  private record(type: 'notify.sent' | 'notify.failed', lane: Lane, notice: Notice, attempts: number, extra: Record<string, unknown>): void {
    try {
      this.d.log(type, { channel: lane.channel.name, kind: notice.kind, at: notice.at, attempts, text: notice.text, ...extra });
    } catch (e) {
      this.d.logger.warn({ err: errorMessage(e), type }, 'notification outcome not recorded');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        handle: undefined as TimerHandle,
        wake: () => {
          this.sleeps.delete(entry);
          resolve();
        },
      };
      entry.handle = this.d.clock.setTimeout(entry.wake, ms);
      this.sleeps.add(entry);
    });
  }

  private armDaily(): void {
    const hour = this.d.config.dailySummaryUtcHour;
    if (this.stopped || hour === null) return;
    const due = nextDailyAt(this.d.clock.now(), hour);
    this.dailyTimer = this.d.clock.setTimeout(() => {
      this.dailyTimer = undefined;
      this.sendDaily(due);
      this.armDaily();
    }, due - this.d.clock.now());
  }

  private sendDaily(at: number): void {
    try {
      const numbers = this.d.summary?.(at);
      if (numbers) this.enqueue(dailySummaryNotice(numbers, at));
    } catch (e) {
      this.d.logger.error({ err: errorMessage(e) }, 'daily summary not built');
    }
  }
}
