/**
 * The trading mode and its safeguards. SIM and the others use different venues (simulated or
 * real), so switching between SIM and a real-data mode needs a restart; DRY, LIVE and SIGNAL
 * switch at run time. Going LIVE takes two calls: the first with the PIN answers a confirmation
 * token valid for 60 s, the second carries it; LIVE is refused without API keys for every enabled
 * venue. Leaving LIVE (to DRY or SIGNAL) is always allowed at once: de-risking never waits.
 * `armed` is memory only: a daemon restarted in LIVE opens nothing until re-armed the same way
 * (what it holds stays; the kill switch and the operator's flatten may still close it).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { secureToken } from '../core/rng.ts';
import type { Mode } from '../config/schema.ts';

export const CONFIRM_TTL_MS = 60_000;

export type ModeAnswer =
  | { readonly status: 200; readonly body: { readonly mode: Mode; readonly armed: boolean; readonly previous?: Mode; readonly confirm?: string; readonly expiresInMs?: number } }
  | { readonly status: 400 | 403 | 409; readonly error: string };

export interface ModeControlOptions {
  readonly clock: Clock;
  readonly mode: Mode;
  /** FLEET_LIVE_PIN; LIVE is impossible without one. */
  readonly pin: string | undefined;
  /** Venues that would trade in LIVE but lack keys (key, secret, passphrase where needed). */
  missingKeys(): string[];
  /** Applies and persists a switch (portfolio actor, adapters), or records LIVE re-armed; resolves once durable. */
  apply(mode: Mode, armed: boolean): Promise<void>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export class ModeControl {
  private current: Mode;
  private isArmed: boolean;
  private pendingConfirm: { token: string; expiresAt: number } | undefined;

  constructor(private readonly o: ModeControlOptions) {
    this.current = o.mode;
    // A daemon that starts in LIVE (from the config, the command line or a restart) is not armed.
    this.isArmed = o.mode !== 'live';
  }

  get mode(): Mode {
    return this.current;
  }

  /** LIVE orders need this; the other modes are always armed. */
  get armed(): boolean {
    return this.isArmed;
  }

  async request(req: { mode: Mode; pin?: string; confirm?: string }): Promise<ModeAnswer> {
    const from = this.current;
    const to = req.mode;
    if ((from === 'sim') !== (to === 'sim')) {
      return { status: 409, error: `switching between ${from} and ${to} changes the venues (simulated or real): restart with --mode ${to}` };
    }
    if (to !== 'live') {
      this.pendingConfirm = undefined;
      if (from === to) return { status: 200, body: { mode: to, armed: this.isArmed } };
      await this.o.apply(to, true);
      this.current = to;
      this.isArmed = true;
      return { status: 200, body: { mode: to, armed: true, previous: from } };
    }
    if (!this.o.pin) return { status: 403, error: 'LIVE is disabled: no FLEET_LIVE_PIN is set' };
    if (!req.pin || !same(req.pin, this.o.pin)) return { status: 403, error: 'wrong or missing PIN' };
    const missing = this.o.missingKeys();
    if (missing.length) return { status: 409, error: `LIVE needs API keys: ${missing.join('; ')}` };
    const now = this.o.clock.now();
    if (req.confirm === undefined) {
      this.pendingConfirm = { token: secureToken(16), expiresAt: now + CONFIRM_TTL_MS };
      return { status: 200, body: { mode: from, armed: this.isArmed, confirm: this.pendingConfirm.token, expiresInMs: CONFIRM_TTL_MS } };
    }
    const pending = this.pendingConfirm;
    if (!pending || now > pending.expiresAt) {
      this.pendingConfirm = undefined;
      return { status: 409, error: 'no confirmation pending or it expired (valid 60 s): call again without confirm' };
    }
    if (!same(req.confirm, pending.token)) return { status: 403, error: 'wrong confirmation token' };
    this.pendingConfirm = undefined;
    await this.o.apply('live', true);
    this.current = 'live';
    this.isArmed = true;
    return { status: 200, body: { mode: 'live', armed: true, previous: from } };
  }
}

/**
 * Returns the venues that lack what LIVE trading needs, as `venue (missing fields)`. Hyperliquid
 * is left out: it trades on paper only (its market data needs no key).
 */
export function missingLiveKeys(venues: Record<string, { enabled: boolean; key?: string; secret?: string; passphrase?: string } | undefined>): string[] {
  const out: string[] = [];
  for (const [venue, vc] of Object.entries(venues)) {
    if (!vc?.enabled || venue === 'hyperliquid') continue;
    const need: ('key' | 'secret' | 'passphrase')[] = ['key', 'secret', ...(venue === 'okx' || venue === 'bitget' ? (['passphrase'] as const) : [])];
    const lacking = need.filter((k) => !vc[k]);
    if (lacking.length) out.push(`${venue} (${lacking.join(', ')})`);
  }
  return out;
}
