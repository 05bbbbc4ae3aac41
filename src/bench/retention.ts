/**
 * Retention: how fast a pass deletes 200,000 old high-rate records (with their index entries, in
 * batches of the default 1,000), and what a trading loop appending every millisecond sees meanwhile:
 * the delay from when its turn was due to when its append returned, p99 and worst, during the pass
 * and over the same time with no pass.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../core/logger.ts';
import { SystemClock } from '../core/clock.ts';
import { configSchema } from '../config/schema.ts';
import { RetentionJob } from '../runtime/retention.ts';
import { fmt, openLogStack, progress, quantile, withTempDir, type LogStack, type Row } from './util.ts';

const RECORDS = 200_000;
const DAY_MS = 86_400_000;

/** Returns the table rows of the retention measurement. */
export async function benchRetention(): Promise<Row[]> {
  return withTempDir('retention', async (base) => {
    const stack = await openLogStack(join(base, 'data'));
    try {
      const clock = new SystemClock();
      const old = clock.now() - 2 * DAY_MS;
      for (let i = 0; i < RECORDS; i++) {
        stack.eventLog.append({ type: 'symbol.armed', actor: `symbol:bybit-linear:S${i % 500}`, ts: old + i, data: { side: 'long', scoreLong: 0.7 } });
        if (i % 20_000 === 19_999) await stack.queue.flush();
      }
      await stack.queue.flush();
      const options = configSchema.parse({}).retention;
      const job = new RetentionJob({ clock, logger: silentLogger(), store: stack.store, eventLog: stack.eventLog, dataDir: base, options: () => options });

      const during = tradingLoop(stack);
      const t0 = performance.now();
      const pass = await job.runOnce();
      const elapsed = performance.now() - t0;
      const lags = during.stop();
      if (pass.removedTotal !== RECORDS) throw new Error(`expected ${RECORDS} removed, got ${pass.removedTotal}`);
      progress(`retention: ${fmt(RECORDS)} records in ${fmt(elapsed)} ms, ${pass.batches} batches`);

      const idle = tradingLoop(stack);
      await new Promise((done) => setTimeout(done, elapsed));
      const idleLags = idle.stop();
      await stack.queue.flush();

      const ms = (x: number): string => fmt(x, 2);
      return [
        {
          measurement: `retention pass (${fmt(RECORDS)} old records)`,
          value: fmt(RECORDS / (elapsed / 1000)),
          unit: 'records/s',
          notes: `deleted with type/actor/time index entries; ${pass.batches} batches of ${options.batchSize}; ${fmt(elapsed)} ms`,
        },
        {
          measurement: 'append latency during retention, p99',
          value: ms(quantile(lags, 0.99)),
          unit: 'ms',
          notes: `max ${ms(Math.max(...lags))} ms; without a pass p99 ${ms(quantile(idleLags, 0.99))} ms, max ${ms(Math.max(...idleLags))} ms; a 1-ms trading loop, ${fmt(lags.length)} appends`,
        },
      ];
    } finally {
      await stack.close();
    }
  });
}

/** Appends once a millisecond; each sample is how late the append returned after its turn was due. */
function tradingLoop(stack: LogStack): { stop: () => number[] } {
  const lags: number[] = [];
  let running = true;
  let due = performance.now() + 1;
  const tick = (): void => {
    if (!running) return;
    stack.eventLog.append({ type: 'transition', actor: 'symbol:bybit-linear:BTCUSDT', from: 'a', event: 'market.tick', to: 'b' });
    const now = performance.now();
    lags.push(Math.max(0, now - due));
    due = now + 1;
    setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  return {
    stop: () => {
      running = false;
      return lags;
    },
  };
}
