/** The notify config: defaults, and validation errors that name the key. */
import { describe, expect, it } from 'vitest';
import { ConfigError, applySecretEnv, defaultConfig, parseConfigText } from '../../src/config/load.ts';

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const parse = (notify: unknown) => parseConfigText(JSON.stringify({ notify }), 'json', 'fleet.json');

describe('notify config', () => {
  it('defaults to no channel, Telegram at api.telegram.org and a summary at 00 UTC', () => {
    const n = defaultConfig().notify;
    expect(n.telegram).toEqual({ enabled: false, baseUrl: 'https://api.telegram.org' });
    expect(n.webhook).toEqual({ enabled: false });
    expect(n).toMatchObject({ retry: { attempts: 5, initialMs: 1000, maxMs: 60_000 }, timeoutMs: 10_000, dailySummaryUtcHour: 0 });
  });

  it.each([
    ['an enabled Telegram without chatId', { telegram: { enabled: true, token: 't' } }, 'notify.telegram.chatId', 'required'],
    ['an enabled webhook without url', { webhook: { enabled: true } }, 'notify.webhook.url', 'required'],
    ['a webhook url that is not http', { webhook: { enabled: true, url: 'ftp://x' } }, 'notify.webhook.url', 'http'],
    ['an unknown key', { telegram: { chat: 1 } }, 'notify.telegram.chat', 'unknown key'],
    ['retry.maxMs below initialMs', { retry: { initialMs: 5000, maxMs: 1000 } }, 'notify.retry.maxMs', 'notify.retry.initialMs'],
    ['an hour past 23', { dailySummaryUtcHour: 24 }, 'notify.dailySummaryUtcHour', '≤ 23'],
    ['no retry at all', { retry: { attempts: 0 } }, 'notify.retry.attempts', '≥ 1'],
  ])('rejects %s, naming the key', (_name, notify, path, message) => {
    const issues = issuesOf(() => parse(notify));
    expect(issues).toEqual([expect.objectContaining({ path })]);
    expect(issues[0]!.message).toContain(message);
  });

  it('requires the bot token once env is applied, and takes it from FLEET_TELEGRAM_TOKEN', () => {
    const file = parse({ telegram: { enabled: true, chatId: -100123 } });
    const issues = issuesOf(() => applySecretEnv(file, {}));
    expect(issues).toEqual([expect.objectContaining({ path: 'notify.telegram.token' })]);
    expect(issues[0]!.message).toContain('FLEET_TELEGRAM_TOKEN');
    const withEnv = applySecretEnv(file, { FLEET_TELEGRAM_TOKEN: '42:abc' });
    expect(withEnv.notify.telegram).toMatchObject({ enabled: true, token: '42:abc', chatId: -100123 });
    expect(file.notify.telegram.token).toBeUndefined();
    // A token in the file is enough; a disabled Telegram needs none.
    expect(applySecretEnv(parse({ telegram: { enabled: true, chatId: '@ops', token: 'file' } }), {}).notify.telegram.token).toBe('file');
    expect(() => applySecretEnv(defaultConfig(), {})).not.toThrow();
  });
});
