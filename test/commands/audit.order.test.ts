/** `fleet audit --type order`: each order's whole life as one block, orders in the order they began. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { runAudit } from '../../src/commands/audit.ts';
import { openPersistence, tempDir } from '../helpers.ts';

function sink(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((buf += String(chunk)), done()) });
  return { stream, text: () => buf };
}

describe('fleet audit --type order', () => {
  const dirs: { cleanup: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  it('groups every record of each order under a heading saying what it was and how it ended', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = await openPersistence(dir.dir, new ManualClock(1_700_000_000_000));
    const a = 'order:fl-scalpe-A';
    const b = 'order:fl-arbitr-B';
    p.log.append({ type: 'order.intent', actor: a, data: { strategy: 'scalper', side: 'buy', qty: '0.010', instrument: 'bybit-linear:BTCUSDT', price: '97000.0', type: 'limit', tif: 'GTC', reduceOnly: false } });
    p.log.append({ type: 'transition', actor: a, from: 'INITIALIZED', event: 'order.submit', to: 'SUBMITTED' });
    p.log.append({ type: 'order.intent', actor: b, data: { strategy: 'arbitrage', side: 'sell', qty: '1', instrument: 'okx:BTC-USDT-SWAP', price: null, type: 'market', tif: 'IOC', reduceOnly: true } });
    p.log.append({ type: 'book.synced', actor: 'connector:okx', data: {} });
    p.log.append({ type: 'order.denied', actor: b, data: { check: 'venue', reason: 'INTEGRITY_BROKEN' } });
    p.log.append({ type: 'transition', actor: b, from: 'INITIALIZED', event: 'order.denied', to: 'DENIED' });
    p.log.append({ type: 'order.fill', actor: a, data: { tradeId: 't1', qty: '0.010', price: '97000.0' } });
    p.log.append({ type: 'transition', actor: a, from: 'SUBMITTED', event: 'order.fill', to: 'FILLED' });
    await p.close();

    const out = sink();
    const err = sink();
    expect(await runAudit(['--data-dir', dir.dir, '--type', 'order'], out.stream, err.stream)).toBe(0);
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines[0]).toBe(`${a}  scalper buy 0.010 bybit-linear:BTCUSDT @ 97000.0 (limit GTC)  →  FILLED`);
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/)[2])).toEqual(['order.intent', 'transition', 'order.fill', 'transition']);
    expect(lines[5]).toBe(`${b}  arbitrage sell 1 okx:BTC-USDT-SWAP at market (market IOC, reduce-only)  →  DENIED`);
    expect(lines.slice(6).map((l) => l.trim().split(/\s+/)[2])).toEqual(['order.intent', 'order.denied', 'transition']);
    expect(out.text()).not.toContain('book.synced');

    const json = sink();
    await runAudit(['--data-dir', dir.dir, '--type', 'order', '--json'], json.stream, err.stream);
    const actors = json.text().split('\n').filter(Boolean).map((l) => JSON.parse(l).actor);
    expect(actors).toEqual([a, a, a, a, b, b, b]);
  });
});
