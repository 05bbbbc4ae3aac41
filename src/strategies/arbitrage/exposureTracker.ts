/**
 * The exposure watchdog, fed: net base per asset from the ledger (perp positions, and spot
 * holdings against what each spot venue held when it was first reconciled), against what the
 * sagas in flight and the dust accepted so far explain. The baseline and the dust are persisted,
 * so a restart in the middle of a saga neither forgets nor double-counts what it holds.
 */
import type { VenueId } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { Ledger } from '../../risk/ledger.ts';
import type { Store } from '../../runtime/store.ts';
import { IN_FLIGHT_STATES, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { ExposureWatchdog, netBaseByAsset, type ExposureCheck } from './exposure.ts';
import { sagaNet } from './trade.ts';
import { bareAsset } from './routes.ts';
import type { SagaView } from './sagaRunner.ts';

const KEY = 'arbitrage.exposure';

export interface ExposureTrackerDeps {
  readonly graceMs: number;
  readonly store: Store;
  ledger(): Ledger;
  instrument(id: string): Instrument | undefined;
  /** The venue's balances have been checked against the venue at least once. */
  reconciled(venue: VenueId): boolean;
  sagas(): readonly SagaView[];
  /** The largest lot (base) an asset trades in: differences below two of them are rounding, not exposure. */
  lotOf(asset: string): number;
}

interface Persisted {
  readonly baseline: Record<string, Record<string, string>>;
  readonly dust: Record<string, number>;
}

export class ExposureTracker {
  private baseline: Record<string, Record<string, string>> = {};
  private dust: Record<string, number> = {};
  private readonly watchdog: ExposureWatchdog;

  constructor(private readonly d: ExposureTrackerDeps) {
    this.watchdog = new ExposureWatchdog({ graceMs: d.graceMs, tolerance: (asset) => 2 * d.lotOf(asset) + 1e-9 });
  }

  async load(): Promise<void> {
    const raw = await this.d.store.meta.get(KEY);
    if (!raw) return;
    const p = JSON.parse(raw) as Persisted;
    this.baseline = p.baseline ?? {};
    this.dust = p.dust ?? {};
  }

  /** Accepts a saga's residue (signed base) as known exposure. */
  acceptDust(ctx: TwoLegContext, net: number): void {
    const inst = this.d.instrument(ctx.legs.a.instrument);
    if (!inst || net === 0) return;
    const asset = bareAsset(inst.base);
    this.dust[asset] = (this.dust[asset] ?? 0) + net;
    this.save();
  }

  /** Returns the alarms raised and cleared now. */
  check(now: number): ExposureCheck {
    const ledger = this.d.ledger();
    const all = ledger.balances();
    const balances: Record<string, Record<string, string>> = {};
    let rebased = false;
    for (const [venue, assets] of Object.entries(all)) {
      if (!this.d.reconciled(venue as VenueId)) continue;
      if (!this.baseline[venue]) {
        this.baseline[venue] = { ...assets };
        rebased = true;
      }
      balances[venue] = assets;
    }
    if (rebased) this.save();
    const baseline = Object.fromEntries(Object.entries(this.baseline).filter(([v]) => balances[v]));
    const actual = netBaseByAsset(
      ledger.positions(),
      bare(balances),
      bare(baseline),
      (id) => {
        const inst = this.d.instrument(id);
        return inst ? { base: bareAsset(inst.base), contractSize: inst.contractSize } : undefined;
      },
    );
    const explained = new Map<string, number>(Object.entries(this.dust));
    for (const s of this.d.sagas()) {
      if (!IN_FLIGHT_STATES.includes(s.state)) continue;
      const inst = this.d.instrument(s.context.legs.a.instrument);
      if (!inst) continue;
      const asset = bareAsset(inst.base);
      explained.set(asset, (explained.get(asset) ?? 0) + sagaNet(s.context));
    }
    return this.watchdog.check(now, actual, explained);
  }

  private save(): void {
    void this.d.store.meta.put(KEY, JSON.stringify({ baseline: this.baseline, dust: this.dust } satisfies Persisted)).catch(() => undefined);
  }
}

function bare(b: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(b).map(([v, assets]) => [v, Object.fromEntries(Object.entries(assets).map(([a, t]) => [bareAsset(a), t]))]));
}
