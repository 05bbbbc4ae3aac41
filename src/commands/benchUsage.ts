/** The benchmark's measurements by name (`fleet bench --only a,b`), apart from their heavy code so the CLI's usage can name them. */
export const BENCH_NAMES = ['start', 'crash', 'append', 'audit', 'market', 'memory', 'sim', 'matching', 'execution', 'arbitrage', 'features', 'scalper', 'retention', 'reports', 'replay'] as const;

export type BenchName = (typeof BENCH_NAMES)[number];

export const BENCH_USAGE = `fleet bench [--only ${BENCH_NAMES.join(',')}] [--replay-minutes N]`;
