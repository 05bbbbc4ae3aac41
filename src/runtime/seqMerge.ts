/**
 * Lazy, sorted streams of seqs read from LevelDB index ranges, and their k-way merge: a query
 * with a limit reads only as far as it needs, whatever the size of the log.
 */
import type { Sub } from './store.ts';

const SEP = '\u0000';
// Reads start small and double: a merge over a thousand actors that needs only the newest 100
// must not read 512 keys from each of them first.
const FIRST_CHUNK = 8;
const MAX_CHUNK = 1024;

/** Yields the seqs under `name` in the index within [lo, hi], in key order (or reversed). */
export async function* indexRange(sub: Sub, name: string, lo: string, hi: string | undefined, desc: boolean): AsyncGenerator<number> {
  const it = sub.iterator({ gte: name + SEP + lo, lte: name + SEP + (hi ?? '\uffff'), reverse: desc, values: false });
  let chunk = FIRST_CHUNK;
  try {
    for (;;) {
      const entries = await it.nextv(chunk);
      chunk = Math.min(MAX_CHUNK, chunk * 2);
      if (entries.length === 0) return;
      for (const [key] of entries) yield Number(key.slice(key.lastIndexOf(SEP) + 1));
    }
  } finally {
    await it.close();
  }
}

/** Returns the distinct names in the index that start with `prefix`, by skipping from one to the next. */
export async function namesWithPrefix(sub: Sub, prefix: string): Promise<string[]> {
  const names: string[] = [];
  const it = sub.iterator({ gte: prefix, lt: prefix + '\uffff', values: false });
  try {
    for (;;) {
      const entry = await it.next();
      if (entry === undefined) return names;
      const name = entry[0].slice(0, entry[0].lastIndexOf(SEP));
      names.push(name);
      it.seek(name + SEP + '\uffff');
    }
  } finally {
    await it.close();
  }
}

/** Yields the union of sorted seq streams in order (ascending, or descending with `desc`). */
export async function* mergeSorted(sources: AsyncIterator<number>[], desc: boolean): AsyncGenerator<number> {
  const before = desc ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const heap: { v: number; src: AsyncIterator<number> }[] = [];
  const push = (item: { v: number; src: AsyncIterator<number> }): void => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!.v, heap[parent]!.v)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): { v: number; src: AsyncIterator<number> } => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!.v, heap[m]!.v)) m = l;
        if (r < heap.length && before(heap[r]!.v, heap[m]!.v)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  try {
    for (const src of sources) {
      const first = await src.next();
      if (!first.done) push({ v: first.value, src });
    }
    while (heap.length > 0) {
      const top = pop();
      yield top.v;
      const next = await top.src.next();
      if (!next.done) push({ v: next.value, src: top.src });
    }
  } finally {
    await Promise.all(sources.map((s) => s.return?.(undefined)));
  }
}
