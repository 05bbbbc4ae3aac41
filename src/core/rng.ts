/**
 * The randomness seam: the only module that reads randomness. Trading logic uses a seeded `Rng`
 * so a replay makes the same choices; secrets (the API token) use the OS's CSPRNG.
 */
import { randomBytes } from 'node:crypto';

export interface Rng {
  /** Returns a float in [0, 1). */
  next(): number;
  /** Returns an integer in [min, max]. */
  int(min: number, max: number): number;
}

/** Returns a deterministic generator (mulberry32) for a 32-bit seed or any string. */
export function seededRng(seed: number | string): Rng {
  let state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Returns `bytes` random bytes from the OS as hex: for secrets, never for trading logic. */
export function secureToken(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}
