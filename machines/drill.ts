/**
 * The crash drill shared by every machine: `debug.crash` makes the actor throw inside a
 * transition, which is exactly how a real bug surfaces, so the supervisor's restart path is
 * exercised for real. The API only forwards it with `--debug-faults`.
 */

export class DebugCrash extends Error {
  constructor() {
    super('debug.crash: crash drill requested');
    this.name = 'DebugCrash';
  }
}

export type DebugCrashEvent = { readonly type: 'debug.crash' };

/** Throws the drill error (used as the `crash` action of every machine). */
export function crash(): never {
  throw new DebugCrash();
}
