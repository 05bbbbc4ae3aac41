/**
 * Distributions the market generator draws from, all on top of a seeded `Rng` so that a seed
 * fixes every number the simulator ever produces.
 */
import type { Rng } from '../../core/rng.ts';

/** Returns a standard normal draw (Box–Muller; the second value is dropped to keep streams simple). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log never sees 0
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Returns a Poisson count with mean `lambda` (Knuth for small means, a normal approximation above 30). */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rng)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Returns a Pareto draw ≥ 1 with tail index `alpha` (smaller alpha, heavier tail), capped at `cap`. */
export function pareto(rng: Rng, alpha: number, cap = Infinity): number {
  return Math.min(cap, (1 - rng.next()) ** (-1 / alpha));
}

/** Returns a float in [a, b). */
export function uniform(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng.next();
}

/** Returns true with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Returns -1 or +1 with equal odds. */
export function sign(rng: Rng): 1 | -1 {
  return rng.next() < 0.5 ? -1 : 1;
}

/** Returns one element of a non-empty list. */
export function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng.next() * list.length)]!;
}
