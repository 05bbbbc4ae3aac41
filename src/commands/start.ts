/** `fleet start`: runs the daemon until SIGINT/SIGTERM, then flushes state and exits 0. */
import { resolve } from 'node:path';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { applySecretEnv, defaultConfig, loadConfigFile } from '../config/load.ts';
import { MODES, SIM_SCENARIOS, type Mode, type SimScenario } from '../config/schema.ts';
import { startDaemon } from '../main.ts';
import { intFlag, parseFlags } from './args.ts';

export const START_USAGE =
  'fleet start [--mode sim|dry|live|signal] [--config FILE] [--data-dir DIR] [--host H] [--port N] [--debug-faults] [--seed S] [--scenario NAME] [--inspect stately|ws://URL]';

/** Runs `fleet start`; resolves with the exit code once the daemon has stopped. */
export async function runStart(args: string[]): Promise<number> {
  const { values } = parseFlags('start', args, {
    mode: { type: 'string' },
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'debug-faults': { type: 'boolean' },
    seed: { type: 'string' },
    scenario: { type: 'string' },
    inspect: { type: 'string' },
  });
  const mode = values.mode?.toLowerCase();
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--mode must be one of ${MODES.join(', ')}, got '${values.mode}'`);
  }
  if (values.inspect !== undefined && values.inspect !== 'stately' && !/^wss?:\/\//.test(values.inspect)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--inspect takes 'stately' or a ws:// URL, got '${values.inspect}'`);
  }
  const port = intFlag('port', values.port, 0, 65535);
  const config = applySecretEnv(values.config ? loadConfigFile(values.config) : defaultConfig(), process.env);
  const effectiveMode = (mode ?? config.mode) as Mode;
  if (effectiveMode === 'live' && !process.env.FLEET_LIVE_PIN) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, 'LIVE mode needs FLEET_LIVE_PIN set (the PIN that arms real orders)');
  }
  if (effectiveMode !== 'sim' && (values.seed !== undefined || values.scenario !== undefined)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, '--seed and --scenario choose the simulator and only apply in sim mode');
  }
  const seed = intFlag('seed', values.seed, 0, 2 ** 32 - 1);
  const scenario = values.scenario;
  if (scenario !== undefined && !(SIM_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--scenario must be one of ${SIM_SCENARIOS.join(', ')}, got '${scenario}'`);
  }
  const daemon = await startDaemon({
    config,
    overrides: { ...(mode ? { mode: mode as Mode } : {}), ...(values.host ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) },
    ...(values.config ? { configPath: values.config } : {}),
    dataDir: resolve(values['data-dir'] ?? 'data'),
    debugFaults: values['debug-faults'] ?? false,
    ...(values.inspect ? { inspect: values.inspect } : {}),
    sim: { ...(seed !== undefined ? { seed } : {}), ...(scenario ? { scenario: scenario as SimScenario } : {}) },
  });
  process.stdout.write(`Fleet ${effectiveMode.toUpperCase()} mode: API on ${daemon.url} (the dashboard is not built yet)\nAPI token: ${daemon.tokenSource}\n`);
  if (daemon.sim) process.stdout.write(`Simulated venues (seed ${daemon.sim.seed}, scenario ${daemon.sim.scenario}):\n${daemon.sim.lines().map((l) => `  ${l}`).join('\n')}\n`);

  return new Promise<number>((done) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${signal}: stopping, flushing state...\n`);
      daemon.close().then(
        () => {
          // Everything is flushed and closed. If anything still holds the event loop (seen when
          // SIGTERM arrives while venues are still loading: no handle or request is listed), the
          // process must not linger as a half-dead daemon: leave after a grace for stdout.
          setTimeout(() => process.exit(0), 1000).unref();
          done(0);
        },
        (e) => {
          process.stderr.write(`fleet: error while stopping: ${(e as Error).message}\n`);
          done(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
