/**
 * `{"op":"subscribe"|"unsubscribe","args":[…]}` request frames, batched under a venue's
 * per-request limit: the shape OKX and Bitget share (their args differ and come from `toArg`).
 */

/** Returns one frame per batch of at most `perRequest` args; topics `toArg` cannot map are left out. */
export function opFrames<A>(op: 'subscribe' | 'unsubscribe', topics: readonly string[], toArg: (topic: string) => A | undefined, perRequest: number): string[] {
  const args: A[] = [];
  for (const t of topics) {
    const arg = toArg(t);
    if (arg) args.push(arg);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i += perRequest) out.push(JSON.stringify({ op, args: args.slice(i, i + perRequest) }));
  return out;
}
