import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { Mode } from '../../src/config/schema.ts';
import { CONFIRM_TTL_MS, ModeControl, missingLiveKeys } from '../../src/execution/modeControl.ts';

function control(mode: Mode, o: { pin?: string; missing?: string[] } = {}) {
  const clock = new ManualClock(0);
  const applied: [Mode, boolean][] = [];
  const mc = new ModeControl({ clock, mode, pin: o.pin, missingKeys: () => o.missing ?? [], apply: async (m, a) => void applied.push([m, a]) });
  return { mc, clock, applied };
}

describe('ModeControl', () => {
  it('goes LIVE only with the PIN and then the confirmation token from the first call', async () => {
    const { mc, applied } = control('dry', { pin: '4711' });
    expect(await mc.request({ mode: 'live' })).toMatchObject({ status: 403 });
    expect(await mc.request({ mode: 'live', pin: '0000' })).toMatchObject({ status: 403, error: 'wrong or missing PIN' });
    const first = await mc.request({ mode: 'live', pin: '4711' });
    expect(first.status).toBe(200);
    const confirm = first.status === 200 ? first.body.confirm! : '';
    expect(confirm).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(mc.mode).toBe('dry');
    expect(await mc.request({ mode: 'live', pin: '4711', confirm: 'nope' })).toMatchObject({ status: 403 });
    expect(await mc.request({ mode: 'live', pin: '4711', confirm })).toMatchObject({ status: 200, body: { mode: 'live', armed: true, previous: 'dry' } });
    expect(mc.mode).toBe('live');
    expect(applied).toEqual([['live', true]]);
  });

  it('a confirmation expires after 60 s and is single-use', async () => {
    const { mc, clock } = control('dry', { pin: '1' });
    const first = await mc.request({ mode: 'live', pin: '1' });
    const confirm = first.status === 200 ? first.body.confirm! : '';
    clock.advance(CONFIRM_TTL_MS + 1);
    expect(await mc.request({ mode: 'live', pin: '1', confirm })).toMatchObject({ status: 409 });
    expect(mc.mode).toBe('dry');
  });

  it('refuses LIVE without keys and without a configured PIN', async () => {
    expect(await control('dry', { pin: '1', missing: ['okx (passphrase)'] }).mc.request({ mode: 'live', pin: '1' })).toMatchObject({ status: 409, error: 'LIVE needs API keys: okx (passphrase)' });
    expect(await control('dry').mc.request({ mode: 'live', pin: 'x' })).toMatchObject({ status: 403, error: /FLEET_LIVE_PIN/ });
  });

  it('starting in LIVE is not armed; leaving LIVE needs no PIN; sim switches need a restart', async () => {
    const { mc, applied } = control('live', { pin: '1' });
    expect(mc.armed).toBe(false);
    expect(await mc.request({ mode: 'signal' })).toMatchObject({ status: 200, body: { mode: 'signal', armed: true } });
    expect(applied).toEqual([['signal', true]]);
    expect(await mc.request({ mode: 'sim' })).toMatchObject({ status: 409, error: /restart with --mode sim/ });
    expect(await control('sim').mc.request({ mode: 'dry' })).toMatchObject({ status: 409 });
  });

  it('missingLiveKeys names each enabled venue and field, and leaves hyperliquid out', () => {
    expect(
      missingLiveKeys({
        'bybit-linear': { enabled: true, key: 'k', secret: 's' },
        okx: { enabled: true, key: 'k', secret: 's' },
        bitget: { enabled: false },
        'binance-usdm': { enabled: true },
        hyperliquid: { enabled: true },
      }),
    ).toEqual(['okx (passphrase)', 'binance-usdm (key, secret)']);
  });
});
