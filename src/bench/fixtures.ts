/**
 * Where the shared venue captures are (../shared/fixtures/exchanges, or FLEET_FIXTURES) and how a
 * recorded frame is read out of them byte for byte. The bench and the test suites use the same
 * rule (test/support/fixtures.ts builds on this file).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Returns the fixtures folder (exists or not). */
export function fixturesDir(): string {
  return process.env.FLEET_FIXTURES ?? resolve(repoRoot, '../shared/fixtures/exchanges');
}

/** Returns the non-empty lines of a .jsonl fixture. */
export function fixtureLines(venue: string, file: string): string[] {
  return readFileSync(join(fixturesDir(), venue, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/**
 * Returns the venue message of a cryptofeed envelope line as recorded: `msg` is the last key and
 * was spliced in byte for byte, so it is sliced out rather than re-serialised (falling back to
 * re-serialising should the slice not be the same value).
 */
export function rawMsg(line: string, msg: unknown): string {
  if (typeof msg === 'string') return msg;
  const at = line.indexOf(',"msg":');
  const end = line.lastIndexOf('}');
  if (at >= 0 && end > at) {
    const text = line.slice(at + 7, end).trim();
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(msg)) return text;
    } catch {
      // fall through
    }
  }
  return JSON.stringify(msg);
}
