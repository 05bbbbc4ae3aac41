/**
 * The pump and dump of one memecoin: PREPUMP (quiet accumulation, bids thicken), PUMPING (steep
 * drift up, volume ×5, asks thin out), BLOWOFF (the last vertical leg, asks almost gone), DUMP
 * (collapse below the start, bids thin, sellers dominate), then back to normal for a few minutes
 * before the next cycle. Each phase change is a note naming the phase and the asset.
 */
import type { AssetConditions } from './fairValue.ts';
import { uniform } from './random.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import type { SimAsset } from './universe.ts';

/** The phases of one pump-and-dump cycle (IDLE between cycles). */
export type PumpPhase = 'IDLE' | 'PREPUMP' | 'PUMPING' | 'BLOWOFF' | 'DUMP';

interface PhasePlan {
  /** Duration range in seconds. */
  readonly seconds: readonly [number, number];
  /** Total log move over the phase, range. */
  readonly move: readonly [number, number];
  readonly vol: number;
  readonly activity: number;
  readonly bidDepth: number;
  readonly askDepth: number;
  readonly flowBias: number;
}

const PLAN: Readonly<Record<Exclude<PumpPhase, 'IDLE'>, PhasePlan>> = {
  PREPUMP: { seconds: [20, 40], move: [0.01, 0.03], vol: 1, activity: 2, bidDepth: 1.5, askDepth: 1, flowBias: 0.1 },
  PUMPING: { seconds: [30, 60], move: [0.15, 0.3], vol: 2, activity: 5, bidDepth: 1.2, askDepth: 0.35, flowBias: 0.25 },
  BLOWOFF: { seconds: [5, 15], move: [0.08, 0.18], vol: 4, activity: 10, bidDepth: 1, askDepth: 0.15, flowBias: 0.3 },
  DUMP: { seconds: [20, 50], move: [-0.6, -0.4], vol: 3, activity: 6, bidDepth: 0.3, askDepth: 1, flowBias: -0.35 },
};
const NEXT: Readonly<Record<PumpPhase, PumpPhase>> = { IDLE: 'PREPUMP', PREPUMP: 'PUMPING', PUMPING: 'BLOWOFF', BLOWOFF: 'DUMP', DUMP: 'IDLE' };

/** The pump-dump scenario's driver. */
export class PumpDump implements Scenario {
  phase: PumpPhase = 'IDLE';
  private until = 10_000; // the first cycle starts after 10 s of normal trading
  private drift = 0;

  constructor(private readonly asset: SimAsset | undefined) {}

  step(ctx: ScenarioContext): void {
    const asset = this.asset;
    if (!asset) return;
    if (ctx.elapsed >= this.until) this.enter(NEXT[this.phase], ctx, asset);
    if (this.phase === 'IDLE') return;
    const plan = PLAN[this.phase];
    const c: AssetConditions = ctx.conditions(asset.name);
    c.drift = this.drift;
    c.volMult *= plan.vol;
    c.activity *= plan.activity;
    c.bidDepth *= plan.bidDepth;
    c.askDepth *= plan.askDepth;
    c.flowBias += plan.flowBias;
  }

  private enter(phase: PumpPhase, ctx: ScenarioContext, asset: SimAsset): void {
    this.phase = phase;
    if (phase === 'IDLE') {
      this.drift = 0;
      this.until = ctx.elapsed + uniform(ctx.rng, 120, 300) * 1000;
      ctx.note(`pump-dump: DONE on ${asset.name} (back to normal)`);
      return;
    }
    const plan = PLAN[phase];
    const seconds = uniform(ctx.rng, plan.seconds[0], plan.seconds[1]);
    const move = uniform(ctx.rng, plan.move[0], plan.move[1]);
    this.drift = move / seconds;
    this.until = ctx.elapsed + seconds * 1000;
    const pct = (Math.expm1(move) * 100).toFixed(0);
    ctx.note(`pump-dump: ${phase} on ${asset.name} (${move > 0 ? '+' : ''}${pct}% over ${seconds.toFixed(0)} s)`);
  }
}
