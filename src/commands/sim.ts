/**
 * `fleet sim`: the simulated venues alone, each on its own localhost port, one line per venue
 * (CONTRACT.md): `<venue> ws=<url> rest=<url> key=<api key> secret=<api secret>[ passphrase=<p>]`.
 * Runs until SIGINT/SIGTERM.
 */
import { SystemClock } from '../core/clock.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { SIM_SCENARIOS, type SimScenario } from '../config/schema.ts';
import { SimCluster } from '../sim/cluster.ts';
import { intFlag, parseFlags } from './args.ts';

export const SIM_USAGE = `fleet sim [--port-base N] [--seed S] [--scenario ${SIM_SCENARIOS.join('|')}] [--step-ms N]`;

/** Runs `fleet sim`; resolves with the exit code once stopped. */
export async function runSim(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('sim', args, {
    'port-base': { type: 'string' },
    seed: { type: 'string' },
    scenario: { type: 'string' },
    'step-ms': { type: 'string' },
  });
  if (positionals.length) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet sim takes no positional arguments\n${SIM_USAGE}`);
  const scenario = values.scenario ?? 'calm';
  if (!(SIM_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--scenario must be one of ${SIM_SCENARIOS.join(', ')}, got '${scenario}'`);
  }
  const portBase = intFlag('port-base', values['port-base'], 0, 65_530) ?? 9100;
  const seed = intFlag('seed', values.seed, 0, 2 ** 32 - 1) ?? 1;
  const stepMs = intFlag('step-ms', values['step-ms'], 10, 5000) ?? 100;
  const clock = new SystemClock();
  const cluster = new SimCluster({ seed, scenario: scenario as SimScenario, clock, portBase, stepMs });
  try {
    await cluster.listen();
  } catch (e) {
    await cluster.close();
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `cannot listen from port ${portBase}: ${(e as Error).message} (choose another --port-base, or 0 for free ports)`);
  }
  cluster.run();
  process.stdout.write(cluster.lines().join('\n') + '\n');
  return new Promise<number>((done) => {
    const stop = (): void => {
      void cluster.close().then(() => done(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
