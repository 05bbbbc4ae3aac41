/**
 * Telegram Bot API: POST {baseUrl}/bot{token}/sendMessage with { chat_id, text,
 * disable_web_page_preview }. Answers are `{ ok, result }` or `{ ok: false, error_code,
 * description, parameters: { retry_after } }`; a 429 says in `retry_after` (seconds) when to try again.
 */
import type { Clock } from '../core/clock.ts';
import { networkAttempt, retryAfterMs, statusAttempt, type Attempt, type Channel } from './channel.ts';
import type { Notice } from './messages.ts';

/** The Bot API's limit on a message's text. */
export const TELEGRAM_MAX_TEXT = 4096;

export interface TelegramOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly chatId: string | number;
  readonly clock: Clock;
}

/** Telegram's answer body (wire type). */
interface TelegramResponse {
  readonly ok?: boolean;
  readonly error_code?: number;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number };
}

export class TelegramChannel implements Channel {
  readonly name = 'telegram';
  private readonly url: string;

  constructor(private readonly o: TelegramOptions) {
    this.url = `${o.baseUrl.replace(/\/+$/, '')}/bot${o.token}/sendMessage`;
  }

  async send(notice: Notice, signal: AbortSignal): Promise<Attempt> {
    const text = notice.text.length > TELEGRAM_MAX_TEXT ? `${notice.text.slice(0, TELEGRAM_MAX_TEXT - 1)}…` : notice.text;
    let res: Response;
    let body: TelegramResponse | undefined;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: this.o.chatId, text, disable_web_page_preview: true }),
        signal,
      });
      body = (await res.json().catch(() => undefined)) as TelegramResponse | undefined;
    } catch (e) {
      return this.scrub(networkAttempt(e));
    }
    if (res.ok && body?.ok !== false) return { ok: true, status: res.status };
    const retryAfter = typeof body?.parameters?.retry_after === 'number' ? body.parameters.retry_after * 1000 : retryAfterMs(res.headers.get('retry-after'), this.o.clock.now());
    return this.scrub(statusAttempt(res.ok ? (body?.error_code ?? 500) : res.status, `HTTP ${res.status}${body?.description ? `: ${body.description}` : ''}`, retryAfter));
  }

  /** The token is part of the URL: keep it out of anything logged. */
  private scrub(a: Attempt): Attempt {
    return a.ok ? a : { ...a, error: a.error.replaceAll(this.o.token, '[redacted]') };
  }
}
