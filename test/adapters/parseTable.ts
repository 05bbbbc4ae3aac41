/** The table runner the venue parse tests share: one test per frame, checked against its expected outcome. */
import { expect, it } from 'vitest';
import type { FrameProblem, ParseOutcome } from '../../src/adapters/types.ts';

/** A table row: a name, the frame text, and either the exact outcome or only the problem expected. */
export type ParseRow = [name: string, text: string, expected: ParseOutcome | { problem: FrameProblem }];

/** Declares one test per row: a `{problem}` row expects a failure with that problem, any other row exactly that outcome. */
export function itParsesRows(rows: readonly ParseRow[], parse: (text: string) => ParseOutcome): void {
  it.each(rows)('%s', (_name, text, expected) => {
    const out = parse(text);
    if ('problem' in expected && !('ok' in expected)) {
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.problem).toBe(expected.problem);
    } else expect(out).toEqual(expected);
  });
}
