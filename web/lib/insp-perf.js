// Per-update timings of the inspector, kept in window.__fleetPerf.inspector for the browser test
// and for anyone curious (open the console): counts, last, max and mean milliseconds per kind.

/** Returns a recorder: `time(kind, fn)` runs fn and adds its duration to the kind's stats. */
export function perfRecorder() {
  const root = (window.__fleetPerf ??= {});
  const stats = (root.inspector = {});
  const add = (kind, ms) => {
    const s = (stats[kind] ??= { count: 0, lastMs: 0, maxMs: 0, totalMs: 0, meanMs: 0 });
    s.count++;
    s.lastMs = ms;
    s.maxMs = Math.max(s.maxMs, ms);
    s.totalMs += ms;
    s.meanMs = s.totalMs / s.count;
  };
  return {
    stats,
    add,
    time(kind, fn) {
      const t0 = performance.now();
      try {
        return fn();
      } finally {
        add(kind, performance.now() - t0);
      }
    },
  };
}
