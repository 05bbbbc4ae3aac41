/** The notifier against a local server speaking the Telegram Bot API and a webhook endpoint. */
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { configSchema } from '../../src/config/schema.ts';
import type { EventRecord } from '../../src/runtime/eventLog.ts';
import { Notifier } from '../../src/notify/notifier.ts';
import type { Notice } from '../../src/notify/messages.ts';
import { badRequest, startFakeServer, tooManyRequests, TOKEN, type FakeServer } from './fakeServer.ts';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const CHAT = '-1001234567890';

let server: FakeServer;
let clock: ManualClock;
let records: { type: string; data: Record<string, unknown> }[];
let notifier: Notifier | undefined;

beforeEach(async () => {
  server = await startFakeServer();
  clock = new ManualClock(T0);
  records = [];
});
afterEach(async () => {
  await notifier?.stop();
  notifier = undefined;
  await server.close();
});

function make(opts: { telegram?: boolean; webhook?: boolean; notify?: Record<string, unknown>; summary?: ConstructorParameters<typeof Notifier>[0]['summary'] } = {}): Notifier {
  const config = configSchema.parse({
    notify: {
      telegram: { enabled: opts.telegram ?? true, baseUrl: server.base, token: TOKEN, chatId: CHAT },
      webhook: { enabled: opts.webhook ?? false, url: `${server.base}/hook`, headers: { authorization: 'Bearer hook-secret' } },
      retry: { attempts: 4, initialMs: 1000, maxMs: 8000 },
      timeoutMs: 2000,
      ...opts.notify,
    },
  }).notify;
  notifier = new Notifier({ config, clock, logger: silentLogger(), log: (type, data) => void records.push({ type, data }), ...(opts.summary ? { summary: opts.summary } : {}) });
  return notifier;
}

function notice(text: string): Notice {
  return { kind: 'alert', text, at: clock.now(), data: {} };
}

const telegramCalls = (): FakeServer['received'] => server.received.filter((r) => r.path.endsWith('/sendMessage'));
const hookCalls = (): FakeServer['received'] => server.received.filter((r) => r.path === '/hook');
const outcomes = (type: string): Record<string, unknown>[] => records.filter((r) => r.type === type).map((r) => r.data);
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Notifier', () => {
  it('sends a kill switch as one Telegram message and one webhook call with the right bodies', async () => {
    const n = make({ webhook: true });
    const records$ = new Subject<EventRecord>();
    n.watch(records$, (id) => (id === 'portfolio' ? { reason: 'operator: kill switch (API)', mode: 'sim' } : undefined));
    records$.next({ seq: 7, ts: T0, type: 'transition', actor: 'portfolio', from: 'normal', event: 'risk.kill', to: 'killed' });
    // Records that call for nothing send nothing.
    records$.next({ seq: 8, ts: T0, type: 'transition', actor: 'symbol:okx:BTC-USDT-SWAP', from: 'FLAT', event: 'market.tick', to: 'WATCHING' });
    records$.next({ seq: 9, ts: T0, type: 'notify.sent', data: {} });
    await n.idle();

    expect(telegramCalls()).toHaveLength(1);
    const tg = telegramCalls()[0]!;
    expect(tg.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(tg.headers['content-type']).toBe('application/json');
    expect(tg.body).toEqual({ chat_id: CHAT, text: expect.stringContaining('KILL SWITCH'), disable_web_page_preview: true });
    expect(tg.body.text).toContain('operator: kill switch (API)');

    expect(hookCalls()).toHaveLength(1);
    const hook = hookCalls()[0]!;
    expect(hook.headers.authorization).toBe('Bearer hook-secret');
    expect(hook.body).toEqual({
      type: 'kill_switch',
      text: tg.body.text,
      at: new Date(T0).toISOString(),
      data: { from: 'normal', to: 'killed', event: 'risk.kill', reason: 'operator: kill switch (API)', mode: 'sim' },
    });
    expect(outcomes('notify.sent').map((d) => d.channel).sort()).toEqual(['telegram', 'webhook']);
    expect(outcomes('notify.sent').every((d) => d.kind === 'kill_switch' && d.attempts === 1)).toBe(true);
    expect(outcomes('notify.failed')).toEqual([]);
  });

  it('retries a 500 and sends the message once', async () => {
    server.script('telegram', { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    const n = make();
    n.enqueue(notice('risk off'));
    await server.waitFor(1);
    // The backoff waits on the injected clock: nothing is sent again until it moves.
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    await pause(30);
    expect(telegramCalls()).toHaveLength(1);
    clock.advance(1000);
    await n.idle();
    expect(telegramCalls()).toHaveLength(2);
    expect(telegramCalls().map((c) => c.body.text)).toEqual(['risk off', 'risk off']);
    expect(outcomes('notify.sent')).toEqual([expect.objectContaining({ channel: 'telegram', attempts: 2, status: 200, text: 'risk off' })]);
    expect(outcomes('notify.failed')).toEqual([]);
    expect(n.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it('waits what a 429 retry_after says before trying again', async () => {
    server.script('telegram', tooManyRequests(3));
    const n = make();
    n.enqueue(notice('flooded'));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    // The exponential backoff would retry after 1 s; Telegram asked for 3 s.
    clock.advance(2999);
    await pause(50);
    expect(telegramCalls()).toHaveLength(1);
    clock.advance(1);
    await n.idle();
    expect(telegramCalls()).toHaveLength(2);
    expect(outcomes('notify.sent')).toEqual([expect.objectContaining({ attempts: 2 })]);
  });

  it('does not retry a 400 and records it failed', async () => {
    server.script('telegram', badRequest());
    const n = make();
    n.enqueue(notice('to nowhere'));
    await n.idle();
    expect(telegramCalls()).toHaveLength(1);
    expect(clock.pending()).toBe(0);
    expect(outcomes('notify.sent')).toEqual([]);
    const failed = outcomes('notify.failed');
    expect(failed).toEqual([expect.objectContaining({ channel: 'telegram', attempts: 1, status: 400, text: 'to nowhere' })]);
    expect(String(failed[0]!.error)).toContain('chat not found');
    expect(String(failed[0]!.error)).not.toContain(TOKEN);
  });

  it('times out a server that never answers, without blocking the caller', async () => {
    server.script('telegram', 'hang', 'hang');
    const n = make({ notify: { timeoutMs: 150, retry: { attempts: 2, initialMs: 500, maxMs: 500 } } });
    const t0 = performance.now();
    const queued = n.enqueue(notice('into the void'));
    const enqueueMs = performance.now() - t0;
    // enqueue is synchronous: it returned before the request even reached the server.
    expect(queued).toBe(true);
    expect(server.received).toHaveLength(0);
    console.log(`notify: enqueue returned in ${enqueueMs.toFixed(3)} ms with the server hanging`);
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 5000 });
    expect(outcomes('notify.failed')).toEqual([]);
    clock.advance(500);
    const t1 = performance.now();
    await n.idle();
    console.log(`notify: second attempt timed out after ${(performance.now() - t1).toFixed(0)} ms (timeoutMs 150)`);
    expect(telegramCalls()).toHaveLength(2);
    expect(outcomes('notify.failed')).toEqual([expect.objectContaining({ channel: 'telegram', attempts: 2, error: 'timed out' })]);
  });

  it('drops the oldest queued message when the queue is full, and counts it', async () => {
    server.script('telegram', 'hold');
    const n = make({ notify: { queueSize: 2 } });
    n.enqueue(notice('m1'));
    await server.waitFor(1);
    // m1 is in flight; m2 and m3 fill the queue; m4 pushes m2 out.
    for (const t of ['m2', 'm3', 'm4']) expect(n.enqueue(notice(t))).toBe(true);
    expect(n.stats()).toMatchObject({ dropped: 1, queued: 2 });
    expect(outcomes('notify.failed')).toEqual([expect.objectContaining({ text: 'm2', error: 'dropped: queue full', attempts: 0 })]);
    server.release();
    await n.idle();
    expect(telegramCalls().map((c) => c.body.text)).toEqual(['m1', 'm3', 'm4']);
    expect(n.stats()).toMatchObject({ sent: 3, failed: 0, dropped: 1, queued: 0 });
  });

  it('coalesces an identical message within the window', async () => {
    const n = make({ notify: { coalesceMs: 60_000 } });
    expect(n.enqueue(notice('same'))).toBe(true);
    expect(n.enqueue(notice('same'))).toBe(false);
    expect(n.enqueue(notice('other'))).toBe(true);
    await n.idle();
    clock.advance(60_000);
    expect(n.enqueue(notice('same'))).toBe(true);
    await n.idle();
    expect(telegramCalls().map((c) => c.body.text)).toEqual(['same', 'other', 'same']);
    expect(n.stats().coalesced).toBe(1);
  });

  it('sends the daily summary at the configured UTC hour, every day', async () => {
    const asked: number[] = [];
    const n = make({
      telegram: false,
      webhook: true,
      notify: { dailySummaryUtcHour: 18 },
      summary: (until) => {
        asked.push(until);
        return { mode: 'sim', portfolioState: 'normal', equity: '100250.5', dailyPnl: '250.5', dailyLossLimit: 500, trades: { count: 4, wins: 3, losses: 1, pnl: '250.5' } };
      },
    });
    n.start();
    clock.set(Date.UTC(2024, 4, 1, 17, 59, 59, 999));
    await pause(30);
    expect(hookCalls()).toHaveLength(0);
    clock.advance(1);
    await n.idle();
    expect(asked).toEqual([Date.UTC(2024, 4, 1, 18)]);
    expect(hookCalls()).toHaveLength(1);
    const body = hookCalls()[0]!.body;
    expect(body.type).toBe('daily_summary');
    expect(body.at).toBe('2024-05-01T18:00:00.000Z');
    expect(body.text).toContain('Equity: 100250.5');
    expect(body.text).toContain('Trades (24 h): 4, 3 won, 1 lost, PnL 250.5');
    expect(body.data).toMatchObject({ day: '2024-05-01', equity: '100250.5', trades: { count: 4 } });
    // The next one comes a day later.
    clock.advance(86_400_000 - 1);
    await pause(30);
    expect(hookCalls()).toHaveLength(1);
    clock.advance(1);
    await n.idle();
    expect(asked).toEqual([Date.UTC(2024, 4, 1, 18), Date.UTC(2024, 4, 2, 18)]);
    expect(hookCalls()).toHaveLength(2);
  });

  it('retries a webhook 503 and honours its Retry-After header', async () => {
    server.script('hook', { status: 503, headers: { 'retry-after': '2' } });
    const n = make({ telegram: false, webhook: true });
    n.enqueue(notice('hook me'));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    clock.advance(1999);
    await pause(30);
    expect(hookCalls()).toHaveLength(1);
    clock.advance(1);
    await n.idle();
    expect(hookCalls()).toHaveLength(2);
    expect(outcomes('notify.sent')).toEqual([expect.objectContaining({ channel: 'webhook', attempts: 2 })]);
  });

  it('stops promptly with a message mid-retry, recording it failed', async () => {
    server.script('telegram', { status: 502 });
    const n = make();
    n.enqueue(notice('cut short'));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    await n.stop();
    expect(clock.pending()).toBe(0);
    expect(outcomes('notify.failed')).toEqual([expect.objectContaining({ error: 'stopped' })]);
    expect(n.enqueue(notice('after stop'))).toBe(false);
  });
});
