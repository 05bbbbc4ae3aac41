/** A generic webhook: POST url with JSON { type, text, at (ISO 8601), data } and the configured headers. */
import type { Clock } from '../core/clock.ts';
import { networkAttempt, retryAfterMs, statusAttempt, type Attempt, type Channel } from './channel.ts';
import type { Notice } from './messages.ts';

export interface WebhookOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

/** The body a webhook receives. */
export interface WebhookBody {
  readonly type: string;
  readonly text: string;
  readonly at: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export class WebhookChannel implements Channel {
  readonly name = 'webhook';

  constructor(private readonly o: WebhookOptions) {}

  async send(notice: Notice, signal: AbortSignal): Promise<Attempt> {
    const body: WebhookBody = { type: notice.kind, text: notice.text, at: new Date(notice.at).toISOString(), data: notice.data };
    let res: Response;
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: { ...this.o.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      // Drain the body so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      return networkAttempt(e);
    }
    return statusAttempt(res.status, `HTTP ${res.status}`, retryAfterMs(res.headers.get('retry-after'), this.o.clock.now()));
  }
}
