/** The scalper's config (`scalper.*`) as the options the pure parts take. */
import type { FleetConfig } from '../../config/schema.ts';
import { DEFAULT_EXIT_OPTIONS, type ExitOptions } from './tpsl.ts';
import type { SignalLimitOptions, SignalOptions } from './signals.ts';

type ScalperConfig = FleetConfig['scalper'];


/** Returns the exit options of the config. */
export function exitOptions(s: ScalperConfig): ExitOptions {
  const e = s.exits;
  return { ...DEFAULT_EXIT_OPTIONS, tp1R: e.tp1R, tp2R: e.tp2R, tp2OverTp1: e.tp2OverTp1, breakEvenBuffer: e.breakEvenBuffer, trailBps: e.trailBps, minTrailBps: e.minTrailBps };
}

/** Returns the signal options (stop, tiers, exits) of the config. */
export function signalOptions(s: ScalperConfig): SignalOptions {
  return { stopAtrK: s.signals.stopAtrK, minStopBps: s.signals.minStopBps, tiers: s.signals.tiers, exits: exitOptions(s) };
}

/** Returns the admission limits of the config. */
export function limitOptions(s: ScalperConfig): SignalLimitOptions {
  return { maxConcurrent: s.signals.maxConcurrent, maxPerDay: s.signals.maxPerDay, correlatedGroups: s.signals.correlatedGroups, lossCooldownMs: s.signals.lossCooldownMs };
}
