/** Which records become notices, and what they say. */
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/runtime/eventLog.ts';
import { noticeOf, type ContextOf } from '../../src/notify/messages.ts';

const ctx: ContextOf = (id) =>
  id === 'portfolio'
    ? { reason: 'daily loss limit reached', mode: 'live' }
    : id === 'twoleg:s42'
      ? { route: 'route:BTC:okx:bitget', reason: 'leg B expired unfilled' }
      : undefined;

const rec = (r: Omit<EventRecord, 'seq' | 'ts'>): EventRecord => ({ seq: 1, ts: 1_714_557_600_000, ...r });

describe('noticeOf', () => {
  it.each([
    ['portfolio killed', rec({ type: 'transition', actor: 'portfolio', from: 'risk_off', event: 'risk.kill', to: 'killed' }), 'kill_switch', ['KILL SWITCH', 'daily loss limit reached', 'LIVE']],
    ['portfolio risk_off', rec({ type: 'transition', actor: 'portfolio', from: 'normal', event: 'risk.escalate', to: 'risk_off' }), 'risk_off', ['RISK OFF', 'daily loss limit reached']],
    ['a saga orphaned', rec({ type: 'transition', actor: 'twoleg:s42', from: 'settling', event: 'order.update', to: 'orphaned' }), 'orphaned_leg', ['s42', 'route:BTC:okx:bitget', 'leg B expired unfilled', 'recovering']],
    ['an orphaned leg left open', rec({ type: 'alert', actor: 'twoleg:s42', data: { kind: 'orphaned_leg', reason: 'unwind refused' } }), 'orphaned_leg', ['left open', 's42', 'unwind refused']],
    ['an exposure alert', rec({ type: 'alert', data: { kind: 'exposure', asset: 'BTC', unexplained: 0.5 } }), 'alert', ['exposure', 'asset=BTC', 'unexplained=0.5']],
    ['integrity broken', rec({ type: 'INTEGRITY_BROKEN', data: { venue: 'okx', mismatches: [{ kind: 'unknown-position', symbol: 'BTC-USDT-SWAP' }, { kind: 'missing-order' }] } }), 'integrity_broken', ['INTEGRITY BROKEN on okx', '2 mismatch', 'unknown-position, missing-order']],
    ['a close that could not complete', rec({ type: 'scalp.close-incomplete', actor: 'symbol:bybit-linear:SOLUSDT', data: { id: 'sc-9', status: 'CANCELED', open: '3.5', attempts: 5 } }), 'close_incomplete', ['sc-9', 'bybit-linear:SOLUSDT', '5 close attempts', '3.5 open']],
  ])('%s', (_name, record, kind, parts) => {
    const n = noticeOf(record, ctx);
    expect(n?.kind).toBe(kind);
    expect(n?.at).toBe(record.ts);
    for (const p of parts) expect(n?.text).toContain(p);
  });

  it.each([
    ['a close still being retried', rec({ type: 'scalp.close-incomplete', actor: 'symbol:x:Y', data: { attempts: 4 } })],
    ['a portfolio back to normal', rec({ type: 'transition', actor: 'portfolio', from: 'risk_off', event: 'risk.reset', to: 'normal' })],
    ['a saga hedged', rec({ type: 'transition', actor: 'twoleg:s1', from: 'sending', event: 'x', to: 'hedged' })],
    ['a symbol transition', rec({ type: 'transition', actor: 'symbol:okx:BTC-USDT', from: 'FLAT', event: 'market.tick', to: 'WATCHING' })],
    ['its own records', rec({ type: 'notify.failed', data: { kind: 'kill_switch' } })],
    ['integrity ok', rec({ type: 'integrity.ok', data: { venue: 'okx' } })],
  ])('ignores %s', (_name, record) => {
    expect(noticeOf(record, ctx)).toBeUndefined();
  });

  it('falls back to the event when the portfolio has no reason', () => {
    const n = noticeOf(rec({ type: 'transition', actor: 'portfolio', from: 'normal', event: 'risk.kill', to: 'killed' }), () => undefined);
    expect(n?.text).toContain('Reason: risk.kill');
  });
});
