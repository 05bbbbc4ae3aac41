/**
 * Per-key request budgets in fixed windows, as venues state them ("60 requests per 2 seconds",
 * "10 times/1s (UID)"). Limits are data kept with each venue's routes; time is the venue's clock.
 */

/** A request budget: `limit` requests per `windowMs`. */
export interface Budget {
  readonly limit: number;
  readonly windowMs: number;
}

export class RateBudgets {
  private readonly used = new Map<string, { window: number; count: number }>();

  constructor(private readonly now: () => number) {}

  /** Spends one request of `key`'s budget; returns false when the window's budget is gone. */
  take(key: string, budget: Budget): boolean {
    const window = Math.floor(this.now() / budget.windowMs);
    const u = this.used.get(key);
    if (!u || u.window !== window) {
      this.used.set(key, { window, count: 1 });
      return true;
    }
    if (u.count >= budget.limit) return false;
    u.count++;
    return true;
  }
}
