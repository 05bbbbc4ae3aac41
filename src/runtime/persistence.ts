/** Opens the persistence stack the way the daemon uses it: store, one write queue, event log. */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { EventLog } from './eventLog.ts';
import { openStore, type Store } from './store.ts';
import { WriteQueue } from './writeQueue.ts';

export interface Persistence {
  readonly store: Store;
  readonly queue: WriteQueue;
  readonly eventLog: EventLog;
  /** Commits what is buffered (fsynced) and releases the LevelDB lock. */
  close(): Promise<void>;
}

/** Returns the opened stack over `dataDir`; a held lock throws DATA_DIR_LOCKED. */
export async function openPersistence(dataDir: string, clock: Clock, logger: Logger, flushIntervalMs = 150, opts: { memory?: boolean } = {}): Promise<Persistence> {
  const store = await openStore(dataDir, opts);
  const queue = new WriteQueue(store, { clock, flushIntervalMs, logger });
  const eventLog = await EventLog.open(store, queue, clock, logger);
  return {
    store,
    queue,
    eventLog,
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
}
