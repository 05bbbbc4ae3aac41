/** The daemon's wiring: pulling the kill switch over the API reaches Telegram and the webhook. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { collect, tempDir } from '../helpers.ts';
import { startFakeServer, TOKEN, type FakeServer } from './fakeServer.ts';

const tmp = tempDir('fleet-notify-daemon-');
let daemon: Daemon | undefined;
let server: FakeServer | undefined;
afterAll(async () => {
  await daemon?.close();
  await server?.close();
  tmp.cleanup();
});

describe('the daemon with notifications on', () => {
  it('sends the kill switch, with its reason, to Telegram and the webhook, and records both', async () => {
    server = await startFakeServer();
    const base = defaultConfig();
    const notify = {
      ...base.notify,
      telegram: { enabled: true, baseUrl: server.base, token: TOKEN, chatId: 4242 },
      webhook: { enabled: true, url: `${server.base}/hook` },
    };
    daemon = await startDaemon({
      config: { ...base, mode: 'sim', venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT'] } }, notify },
      overrides: { port: 0 },
      dataDir: join(tmp.dir, 'd'),
      logger: silentLogger(),
      env: { FLEET_API_TOKEN: 'api-tok' },
    });
    const res = await daemon.app.inject({ method: 'POST', url: '/api/kill-switch', headers: { authorization: 'Bearer api-tok' }, payload: { reason: 'drill: operator test' } });
    expect(res.statusCode).toBeLessThan(300);
    await server.waitFor(1, 'telegram');
    await server.waitFor(1, 'hook');
    const tg = server.received.filter((r) => r.path.endsWith('/sendMessage'));
    const kills = tg.filter((r) => String(r.body.text).includes('KILL SWITCH'));
    expect(kills).toHaveLength(1);
    expect(kills[0]!.body).toMatchObject({ chat_id: 4242, disable_web_page_preview: true });
    expect(kills[0]!.body.text).toContain('drill: operator test');
    const hook = server.received.find((r) => r.path === '/hook' && r.body.type === 'kill_switch');
    expect(hook?.body.data).toMatchObject({ to: 'killed', reason: 'drill: operator test' });
    // Each outcome is an event-log record (committed on the next flush).
    const sent = () => collect(daemon!.eventLog.query({ type: 'notify.sent' }));
    for (let i = 0; i < 50 && (await sent()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const records = await sent();
    expect(records.map((r) => (r.data as { channel: string }).channel).sort()).toEqual(['telegram', 'webhook']);
  }, 60_000);
});
