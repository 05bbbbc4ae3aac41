/**
 * Which instruments go on which connection: within the venue's topics-per-connection limit, prime
 * instruments on connections of their own (so a backlog can shed the others without touching
 * them), in a stable order so a reconnect rebuilds the same groups.
 */
import type { PublicAdapter } from '../adapters/types.ts';
import type { Instrument } from '../model/instrument.ts';

export interface ConnectionGroup {
  readonly key: string;
  readonly prime: boolean;
  readonly instruments: readonly Instrument[];
  readonly topics: readonly string[];
}

/** Returns the connection groups for these instruments. */
export function planConnections(adapter: PublicAdapter, instruments: readonly Instrument[], isPrime: (i: Instrument) => boolean, depth: number): ConnectionGroup[] {
  const shared = adapter.sharedTopics?.().length ?? 0;
  const capacity = Math.max(1, adapter.limits.maxTopicsPerConnection - shared);
  const groups: ConnectionGroup[] = [];
  for (const prime of [true, false]) {
    let insts: Instrument[] = [];
    let topics: string[] = [];
    const flush = (): void => {
      if (insts.length === 0) return;
      groups.push({ key: `${prime ? 'prime' : 'normal'}-${groups.length}`, prime, instruments: insts, topics });
      insts = [];
      topics = [];
    };
    for (const inst of [...instruments].filter((i) => isPrime(i) === prime).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const t = adapter.topics(inst, depth);
      if (topics.length + t.length > capacity) flush();
      insts.push(inst);
      topics.push(...t);
    }
    flush();
  }
  return groups;
}
