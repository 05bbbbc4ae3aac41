/**
 * Measurement 3: event-log append rate. Write-behind: 200,000 `append`s then one awaited flush,
 * counted until the last record is on disk. Durable: `appendDurable` one at a time (fsync each).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, median, openLogStack, pause, progress, spread, withTempDir, type Row } from './util.ts';

const RECORDS = 200_000;
const RUNS = 3;
const DURABLE_RECORDS = 2_000;
/** The durable loop stops early past this, so a slow disk cannot stall the whole bench. */
const DURABLE_BUDGET_MS = 20_000;

/** Returns the table rows of measurement 3. */
export async function benchEventLogAppend(): Promise<Row[]> {
  return withTempDir('append', async (base) => {
    const rates: number[] = [];
    const appendOnlyRates: number[] = [];
    let peakRssMb = 0;
    for (let k = 0; k < RUNS; k++) {
      const stack = await openLogStack(join(base, `run${k}`));
      try {
        const t0 = performance.now();
        for (let i = 0; i < RECORDS; i++) {
          stack.eventLog.append({ type: 'transition', actor: `symbol:bybit-linear:S${i % 500}`, from: 'a', event: 'market.tick', to: 'b' });
        }
        const t1 = performance.now();
        peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20);
        await stack.queue.flush();
        const t2 = performance.now();
        rates.push(RECORDS / ((t2 - t0) / 1000));
        appendOnlyRates.push(RECORDS / ((t1 - t0) / 1000));
        if (stack.eventLog.lastSeq !== RECORDS) throw new Error(`expected seq ${RECORDS}, got ${stack.eventLog.lastSeq}`);
        progress(`append: run ${k + 1}/${RUNS}: ${fmt(rates[k]!)} records/s to disk (append() alone ${fmt(appendOnlyRates[k]!)}/s)`);
      } finally {
        await stack.close();
      }
      await pause(50);
    }

    const stack = await openLogStack(join(base, 'durable'));
    let n = 0;
    let elapsed = 0;
    try {
      const t0 = performance.now();
      while (n < DURABLE_RECORDS && performance.now() - t0 < DURABLE_BUDGET_MS) {
        await stack.eventLog.appendDurable({ type: 'transition', actor: `order:bench-${n % 50}`, from: 'a', event: 'order.ack', to: 'b' });
        n++;
      }
      elapsed = performance.now() - t0;
    } finally {
      await stack.close();
    }
    const durableRate = n / (elapsed / 1000);
    progress(`append: durable ${fmt(n)} records in ${fmt(elapsed)} ms`);

    return [
      {
        measurement: `event-log append, write-behind (${fmt(RECORDS)})`,
        value: fmt(median(rates)),
        unit: 'records/s',
        notes: `incl. flush to disk; ${spread(rates)}; append() alone ${fmt(median(appendOnlyRates))}/s; RSS after appends ${fmt(peakRssMb)} MB`,
      },
      {
        measurement: `event-log appendDurable (fsync each, ${fmt(n)})`,
        value: fmt(durableRate),
        unit: 'records/s',
        notes: `sequential awaits; ${fmt(elapsed / n, 2)} ms per record`,
      },
    ];
  });
}
