/** Command-line parsing shared by the commands: strict flags, errors that exit 2. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCodes, FleetError } from '../core/errors.ts';

/** Returns the parsed flags; an unknown flag or a missing value is a BAD_ARGUMENTS error. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet ${command}: ${(e as Error).message}`);
  }
}

/** Returns an integer flag value, or throws naming the flag. */
export function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Returns a duration in ms from `90s`, `15m`, `2h`, `500ms`, or undefined when it is not one. */
function durationMs(value: string): number | undefined {
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value.trim());
  return d ? Number(d[1]) * UNIT_MS[d[2]!]! : undefined;
}

/** Returns a duration in ms from `90s`, `15m`, `2h`, `500ms`; throws naming the flag. */
export function parseDuration(value: string, flag: string): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--${flag} takes a duration such as 90s, 15m or 2h, got '${value}'`);
  return ms;
}

/** Returns a time in epoch ms from an ISO date or a duration back from `now` (`90s`, `15m`, `2h`, `7d`). */
export function parseSince(value: string, now: number, flag = 'since'): number {
  const back = durationMs(value);
  if (back !== undefined) return now - back;
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--${flag} takes an ISO time (2026-11-21T10:00:00Z) or a duration (15m, 2h, 7d), got '${value}'`);
  }
  return t;
}
