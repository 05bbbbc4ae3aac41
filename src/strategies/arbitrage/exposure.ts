/**
 * The exposure watchdog's decisions: net base per asset from the ledger, minus what open sagas and
 * strategies account for, is the unexplained exposure; one that stays beyond its tolerance for
 * `graceMs` raises one alarm (risk_off and an alert, by the caller), reported once until it clears.
 * A blip shorter than the grace (a leg filled a moment before its twin) never alarms. Pure: the
 * caller passes the time and the numbers.
 */
import type { LedgerPosition } from '../../risk/ledger.ts';
import { USD_LIKE } from '../../risk/ledger.ts';
import { add, decText, mul, parseDec, sub, ZERO, type Dec } from '../../model/decimal.ts';

/** An unexplained exposure that outlasted the grace period. */
export interface ExposureAlarm {
  readonly asset: string;
  /** Base units, signed (positive = long), at the check that raised it. */
  readonly unexplained: number;
  /** When it first went beyond tolerance. */
  readonly since: number;
}

export interface ExposureCheck {
  /** New alarms, by asset. */
  readonly alarms: readonly ExposureAlarm[];
  /** Assets whose alarm ended: back within tolerance. */
  readonly cleared: readonly string[];
}

export interface ExposureWatchdogOptions {
  readonly graceMs: number;
  /** The largest |unexplained| base quantity of an asset that is not exposure (dust, rounding). */
  readonly tolerance: (asset: string) => number;
}

interface Episode {
  readonly since: number;
  alarmed: boolean;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tracks unexplained exposure per asset over time. */
export class ExposureWatchdog {
  private readonly episodes = new Map<string, Episode>();

  constructor(private readonly o: ExposureWatchdogOptions) {
    if (!Number.isFinite(o.graceMs) || o.graceMs < 0) throw new RangeError(`graceMs must be a non-negative number, got ${o.graceMs}`);
  }

  /**
   * Returns the alarms raised and cleared by this check. An exposure alarms once it has stayed
   * beyond tolerance for graceMs or more; a non-finite number counts as beyond tolerance (an
   * exposure that cannot be computed is not known to be safe). Assets are reported sorted.
   */
  check(now: number, actual: ReadonlyMap<string, number>, explained: ReadonlyMap<string, number>): ExposureCheck {
    const assets = new Set<string>([...actual.keys(), ...explained.keys(), ...this.episodes.keys()]);
    const alarms: ExposureAlarm[] = [];
    const cleared: string[] = [];
    for (const asset of [...assets].sort(byText)) {
      const unexplained = (actual.get(asset) ?? 0) - (explained.get(asset) ?? 0);
      const beyond = !Number.isFinite(unexplained) || Math.abs(unexplained) > this.o.tolerance(asset);
      let ep = this.episodes.get(asset);
      if (!beyond) {
        if (ep?.alarmed) cleared.push(asset);
        this.episodes.delete(asset);
        continue;
      }
      if (!ep) this.episodes.set(asset, (ep = { since: now, alarmed: false }));
      if (!ep.alarmed && now - ep.since >= this.o.graceMs) {
        ep.alarmed = true;
        alarms.push({ asset, unexplained, since: ep.since });
      }
    }
    return { alarms, cleared };
  }

  /** Returns the assets alarmed now, sorted (what the API shows while risk is off). */
  alarmed(): string[] {
    return [...this.episodes].filter(([, e]) => e.alarmed).map(([a]) => a).sort(byText);
  }
}

/** What netBaseByAsset needs of an instrument. */
export interface ExposureInstrument {
  readonly base: string;
  /** Base units per size unit; "1" when absent. */
  readonly contractSize?: string;
}

type Balances = Readonly<Record<string, Readonly<Record<string, string>>>>;

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`exposure: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

/**
 * Returns the net base per asset: perp positions (qty × contractSize, signed) plus spot balances
 * of non-quote assets minus the baseline of spot holdings (what was held before trading, by venue
 * and asset). Positions and balances are the ledger's `positions()` and `balances()`; quote
 * assets (USD-like by default) are not exposure. Throws a RangeError for a position on an
 * instrument the lookup does not know (its exposure cannot be placed).
 */
export function netBaseByAsset(
  positions: readonly Pick<LedgerPosition, 'instrument' | 'qty'>[],
  balances: Balances,
  baseline: Balances,
  instrument: (id: string) => ExposureInstrument | undefined,
  quoteAssets: readonly string[] = USD_LIKE,
): Map<string, number> {
  const sums = new Map<string, Dec>();
  const credit = (asset: string, d: Dec): void => {
    sums.set(asset, add(sums.get(asset) ?? ZERO, d));
  };
  for (const p of positions) {
    const inst = instrument(p.instrument);
    if (!inst) throw new RangeError(`exposure: unknown instrument ${p.instrument} holds a position of ${p.qty}`);
    credit(inst.base, mul(dec(p.qty, `position of ${p.instrument}`), dec(inst.contractSize ?? '1', `contractSize of ${p.instrument}`)));
  }
  for (const [sign, book] of [[1, balances], [-1, baseline]] as const) {
    for (const [venue, assets] of Object.entries(book)) {
      for (const [asset, text] of Object.entries(assets)) {
        if (quoteAssets.includes(asset)) continue;
        const d = dec(text, `${asset} on ${venue}`);
        credit(asset, sign > 0 ? d : sub(ZERO, d));
      }
    }
  }
  const out = new Map<string, number>();
  for (const asset of [...sums.keys()].sort(byText)) out.set(asset, Number(decText(sums.get(asset)!)));
  return out;
}
