/**
 * Hot reload: watches the config file and hands a validated, changed config to the caller.
 * A bad edit is reported and otherwise ignored, so the daemon keeps running on the last good
 * config while the operator fixes the file.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { ErrorCodes, errorMessage } from '../core/errors.ts';
import { ConfigError, applySecretEnv, diffConfig, loadConfigFile } from './load.ts';
import type { FleetConfig } from './schema.ts';

export interface WatchConfigOptions {
  clock: Clock;
  /** Quiet time after the last file event before the file is read; editors write in bursts. */
  debounceMs?: number;
  /** Returns the config now in force, the base each reload is compared with. */
  current: () => FleetConfig;
  onApplied: (next: FleetConfig, changed: string[]) => void;
  onRejected: (err: ConfigError) => void;
  /**
   * When given, secrets from these variables are applied to each reloaded config, so that a
   * `current()` that carries env secrets does not see them as changed on every reload.
   */
  env?: NodeJS.ProcessEnv;
}

export interface ConfigWatcher {
  close(): void;
  check(): void;
}

/** Watches a config file and reports each valid change or each rejection once the edits settle. */
export function watchConfig(path: string, opts: WatchConfigOptions): ConfigWatcher {
  const { clock } = opts;
  const debounceMs = opts.debounceMs ?? 100;
  const fullPath = resolve(path);
  const name = basename(fullPath);
  let timer: TimerHandle | undefined;
  let closed = false;

  const disarm = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };

  const check = (): void => {
    if (closed) return;
    disarm();
    let next: FleetConfig;
    try {
      next = loadConfigFile(path);
      if (opts.env) next = applySecretEnv(next, opts.env);
    } catch (e) {
      opts.onRejected(
        e instanceof ConfigError ? e : new ConfigError(path, [{ path: '(root)', message: errorMessage(e) }]),
      );
      return;
    }
    const changed = diffConfig(opts.current(), next);
    if (changed.length > 0) opts.onApplied(next, changed);
  };

  let watcher: FSWatcher | undefined;
  try {
    // The directory, not the file: editors save by writing a new file and renaming it over the
    // old one, which would leave a watch on the file itself pointing at a dead inode.
    watcher = watch(dirname(fullPath), { persistent: false }, (_event, filename) => {
      try {
        if (closed) return;
        // Some platforms omit the name; then any event in the directory may be ours.
        if (filename !== null && filename !== name) return;
        disarm();
        timer = clock.setTimeout(() => {
          timer = undefined;
          check();
        }, debounceMs);
      } catch {
        // An exception here would surface as an uncaught error in the fs layer and kill the daemon.
      }
    });
    watcher.on('error', (e) => {
      if (closed) return;
      opts.onRejected(
        new ConfigError(path, [{ path: '(root)', message: `watch failed: ${errorMessage(e)}` }], ErrorCodes.CONFIG_UNREADABLE),
      );
    });
  } catch (e) {
    // A missing directory must not crash start-up; the caller learns why reload is off.
    opts.onRejected(
      new ConfigError(path, [{ path: '(root)', message: `cannot watch: ${errorMessage(e)}` }], ErrorCodes.CONFIG_UNREADABLE),
    );
  }

  return {
    check,
    close(): void {
      if (closed) return;
      closed = true;
      disarm();
      watcher?.close();
    },
  };
}
