/**
 * Choosing between routes that compete for the same balance.
 *
 * opportunityScore = excess/1e4 × notional × success / (1 + vol / volHalfBps), where
 *   excess   = netBps − thresholdBps (≤ 0 or not finite ⇒ score 0: not an opportunity);
 *              excess/1e4 × notional is the quote earned beyond the bar, so the score rises with
 *              both the edge above the threshold and the size
 *   success  = (successRate × attempts + priorRate × priorAttempts) / (attempts + priorAttempts):
 *              the route's recent success shrunk toward a neutral prior (0.5 over 5 attempts by
 *              default), so a route with few attempts is neither favoured nor punished by luck
 *   vol      = the mid volatility in bps/√s; the score halves at vol = volHalfBps (10 by default)
 * The score is in quote currency per trade (expected, risk-discounted), so routes compare directly.
 *
 * allocate: the candidates in descending score (ties by id, for determinism), each taken when every
 * one of its needs fits what the earlier choices left; otherwise skipped naming the first key short.
 */

export interface ScoreInputs {
  readonly netBps: number;
  readonly thresholdBps: number;
  readonly notionalQuote: number;
  readonly volBps: number;
  /** Fraction of recent attempts that ended as intended (both legs filled, no orphan). */
  readonly successRate: number;
  readonly attempts: number;
}

export interface ScoreOptions {
  readonly volHalfBps: number;
  readonly priorRate: number;
  readonly priorAttempts: number;
}

export const DEFAULT_SCORE_OPTIONS: ScoreOptions = { volHalfBps: 10, priorRate: 0.5, priorAttempts: 5 };

/** Returns the route's success rate shrunk toward the prior by its number of attempts. */
export function shrunkSuccess(successRate: number, attempts: number, o: ScoreOptions = DEFAULT_SCORE_OPTIONS): number {
  const n = attempts > 0 && Number.isFinite(attempts) ? attempts : 0;
  const rate = Math.min(1, Math.max(0, Number.isFinite(successRate) ? successRate : 0));
  return (rate * n + o.priorRate * o.priorAttempts) / (n + o.priorAttempts);
}

/** Returns the opportunity's score in quote per trade (0 when the edge does not clear the threshold). */
export function opportunityScore(s: ScoreInputs, o: ScoreOptions = DEFAULT_SCORE_OPTIONS): number {
  const excess = s.netBps - s.thresholdBps;
  if (!(excess > 0) || !Number.isFinite(excess) || !(s.notionalQuote > 0)) return 0;
  const vol = s.volBps > 0 ? s.volBps : 0;
  return ((excess / 1e4) * s.notionalQuote * shrunkSuccess(s.successRate, s.attempts, o)) / (1 + vol / o.volHalfBps);
}

/** A route wanting to trade: its score and what it needs from each balance (key `venue|asset`). */
export interface Candidate {
  readonly id: string;
  readonly score: number;
  readonly needs: readonly { readonly key: string; readonly amount: number }[];
}

export interface Allocation {
  readonly chosen: string[];
  readonly skipped: { readonly id: string; readonly key: string }[];
}

/** Returns the candidates chosen greedily by score while their needs fit, and for the others the key that ran out. */
export function allocate(candidates: readonly Candidate[], free: ReadonlyMap<string, number>): Allocation {
  const left = new Map(free);
  const order = [...candidates].sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const chosen: string[] = [];
  const skipped: { id: string; key: string }[] = [];
  for (const c of order) {
    // A candidate may list a key twice (both legs on one venue): it needs the sum.
    const want = new Map<string, number>();
    for (const n of c.needs) want.set(n.key, (want.get(n.key) ?? 0) + n.amount);
    let short: string | undefined;
    for (const [key, amount] of want) {
      const have = left.get(key) ?? 0;
      // A relative hair of slack: amounts and balances are floats computed from the same prices.
      if (amount > have + 1e-9 * Math.max(1, Math.abs(have))) {
        short = key;
        break;
      }
    }
    if (short !== undefined) {
      skipped.push({ id: c.id, key: short });
      continue;
    }
    for (const [key, amount] of want) left.set(key, (left.get(key) ?? 0) - amount);
    chosen.push(c.id);
  }
  return { chosen, skipped };
}
