/** The `fleet` command: dispatches to the commands and maps errors to exit codes (2: bad input). */
import { ErrorCodes, FleetError, errorMessage } from './core/errors.ts';
import { ConfigError } from './config/load.ts';
import { START_USAGE, runStart } from './commands/start.ts';
import { AUDIT_USAGE, runAudit } from './commands/audit.ts';
import { RECORD_USAGE } from './commands/record.ts';
import { REPLAY_USAGE } from './commands/replay.ts';
import { SIM_USAGE } from './commands/sim.ts';
import { BENCH_USAGE } from './commands/benchUsage.ts';

const USAGE = `usage:
  ${START_USAGE}
  ${AUDIT_USAGE}
  ${RECORD_USAGE}
  ${REPLAY_USAGE}
  ${SIM_USAGE}
  ${BENCH_USAGE}
`;

const BAD_INPUT: readonly string[] = [ErrorCodes.BAD_ARGUMENTS, ErrorCodes.CONFIG_INVALID, ErrorCodes.CONFIG_UNREADABLE];

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await runStart(rest);
      case 'audit':
        return await runAudit(rest);
      case 'sim': {
        const { runSim } = await import('./commands/sim.ts');
        return await runSim(rest);
      }
      case 'record': {
        const { runRecord } = await import('./commands/record.ts');
        return await runRecord(rest);
      }
      case 'replay': {
        const { runReplay } = await import('./commands/replay.ts');
        return await runReplay(rest);
      }
      case 'bench': {
        const { runBench } = await import('./commands/bench.ts');
        return await runBench(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`fleet: unknown command '${command}'\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ConfigError || (e instanceof FleetError && BAD_INPUT.includes(e.code))) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    process.stderr.write(`fleet ${command}: ${errorMessage(e)}\n`);
    return 1;
  }
}
