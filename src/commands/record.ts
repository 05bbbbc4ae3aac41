/**
 * `fleet record --out FILE`: the raw frames of every configured venue, with receive timestamps,
 * one JSON line each, REST responses (book snapshots) in the order they arrived, and before any
 * frame the instruments each venue was recorded with, so `fleet replay` rebuilds the same books.
 * Lines: {"type":"recording"} header, {"type":"instruments","venue","specs"}, {"type":"ws","ts",
 * "venue","conn","frame"}, {"type":"rest","ts","venue","method","url","status","body"}.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { SystemClock } from '../core/clock.ts';
import { createLogger } from '../core/logger.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { applySecretEnv, defaultConfig, loadConfigFile } from '../config/load.ts';
import { MODES, type Mode } from '../config/schema.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { FrameRecorder, configWithoutSecrets } from '../market/recorder.ts';
import { MarketService, plainActorHost } from '../market/service.ts';
import { marketVenues } from '../main.ts';
import { parseDuration, parseFlags } from './args.ts';

export const RECORD_USAGE = 'fleet record --out FILE [--config FILE] [--mode dry|sim|signal|live] [--duration D]';

/** Runs `fleet record`; resolves with the exit code when the duration ends or on SIGINT/SIGTERM. */
export async function runRecord(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('record', args, {
    out: { type: 'string' },
    config: { type: 'string' },
    mode: { type: 'string' },
    duration: { type: 'string' },
  });
  if (positionals.length) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet record takes no positional arguments\n${RECORD_USAGE}`);
  if (!values.out) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet record needs --out FILE\n${RECORD_USAGE}`);
  const out = resolve(values.out);
  if (existsSync(out)) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--out ${out} exists; recordings are never overwritten`);
  const mode = values.mode?.toLowerCase();
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--mode must be one of ${MODES.join(', ')}, got '${values.mode}'`);
  }
  const durationMs = values.duration ? parseDuration(values.duration, 'duration') : undefined;
  const fileConfig = applySecretEnv(values.config ? loadConfigFile(values.config) : defaultConfig(), process.env);
  const config = { ...fileConfig, mode: (mode as Mode | undefined) ?? fileConfig.mode };
  const venues = marketVenues(config);
  if (venues.length === 0) {
    throw new FleetError(
      ErrorCodes.BAD_ARGUMENTS,
      `nothing to record: in ${config.mode} mode no enabled venue has a wsUrl (use --mode dry for the real venues, or point venues.<id>.wsUrl at a simulated one)`,
    );
  }

  const clock = new SystemClock();
  const logger = createLogger({ level: config.log.level, destination: pino.destination(2) });
  const recorder = new FrameRecorder({ clock, file: out, header: { mode: config.mode, venues, config: configWithoutSecrets(config) } });
  const service = new MarketService({
    config,
    venues,
    adapters: PUBLIC_ADAPTERS,
    clock,
    logger,
    host: plainActorHost(clock, logger),
    log: (type, actor, data) => logger.info({ actor, ...data }, type),
    escalate: (reason) => logger.warn({ reason }, 'a connector is down'),
    onInstruments: (venue, list) => recorder.instrumentsLoaded(venue, list),
    tap: (rec) => recorder.tap(rec),
  });
  process.stderr.write(`recording ${venues.join(', ')} to ${out}${durationMs ? ` for ${values.duration}` : ' until Ctrl-C'}\n`);
  await service.start();

  return new Promise<number>((done) => {
    let timer: unknown;
    const stop = (why: string): void => {
      if (timer !== undefined) clock.clearTimeout(timer);
      service.stop();
      void recorder.close().then(() => {
        const summary = [...recorder.counts].map(([v, n]) => `${v}=${n}`).join(' ');
        process.stderr.write(`${why}: recorded ${summary || 'nothing'} to ${out}\n`);
        done(0);
      });
    };
    if (durationMs !== undefined) timer = clock.setTimeout(() => stop('duration reached'), durationMs);
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
