/** The pino logger, with every secret-bearing field redacted wherever it appears. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  'apiToken',
  'pin',
  'secret',
  'passphrase',
  'authorization',
  '*.token',
  '*.apiToken',
  '*.pin',
  '*.secret',
  '*.key',
  '*.passphrase',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'config.venues.*.secret',
  'config.venues.*.key',
  'config.venues.*.passphrase',
  'venues.*.secret',
  'venues.*.key',
  'venues.*.passphrase',
  'notify.telegram.token',
  'config.notify.telegram.token',
];

/** Returns the daemon's logger writing JSON lines to `destination` (stdout by default). */
export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'fleet' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    opts.destination,
  );
}

/** Returns a logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
