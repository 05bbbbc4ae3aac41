/**
 * The shared venue captures (../shared/fixtures/exchanges, see its PROVENANCE.md) are read in
 * place, never copied into the repo. Where the folder is absent (a user's fresh clone) the suites
 * that need it skip with a one-line notice; CI always has it. FLEET_FIXTURES overrides the path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { fixturesDir, rawMsg } from '../../src/bench/fixtures.ts';

export { fixturesDir, fixtureLines } from '../../src/bench/fixtures.ts';

export const haveFixtures = existsSync(fixturesDir());
let noticed = false;

/** `describe` that runs only where the shared fixtures are present, with a one-line notice otherwise. */
export function describeFixtures(name: string, fn: () => void): void {
  if (!haveFixtures && !noticed) {
    noticed = true;
    console.warn(`[fixtures] ${fixturesDir()} is absent: venue conformance suites are skipped`);
  }
  (haveFixtures ? describe : describe.skip)(name, fn);
}

/** Returns a fixture file's text (venue folder and file name). */
export function fixtureText(venue: string, file: string): string {
  return readFileSync(join(fixturesDir(), venue, file), 'utf8');
}

/** Returns a JSON fixture parsed. */
export function fixtureJson<T = unknown>(venue: string, file: string): T {
  return JSON.parse(fixtureText(venue, file)) as T;
}


/**
 * Returns the raw venue message text of a cryptofeed-envelope line
 * (`{"recv_ts","source","url","msg"}`), byte for byte as recorded.
 */
export function envelope(line: string): { recvTs: number; source: 'ws' | 'rest'; url: string; text: string } {
  const o = JSON.parse(line) as { recv_ts: number; source: 'ws' | 'rest'; url: string; msg: unknown };
  return { recvTs: Math.round(o.recv_ts * 1000), source: o.source, url: o.url, text: rawMsg(line, o.msg) };
}
