/**
 * `<data-dir>/reports/<name>.json` and `<name>.html`, written atomically: each file goes to a temp
 * file in the same directory (fsynced), then is renamed over the final name, so a reader sees the
 * old file or the new one, never a part. A failed write removes its temp file; a crash can leave
 * one (`.<name>.<pid>.<n>.tmp`), which `removeStaleTemps` clears and nothing ever lists. The page
 * is written before the JSON, so a report that is listed (by its JSON) always has its page.
 *
 * A name is `<kind>-<period>`: a lower-case kind (`daily`, `weekly`, `replay`, …) and a period of
 * letters, digits, `_` and `-` (no dot, no slash), so no name can leave the folder.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportHtml } from './html.ts';
import type { Report } from './report.ts';

export const REPORTS_DIR = 'reports';
/** What a report name looks like (without `.json` / `.html`). */
export const REPORT_NAME = /^[a-z][a-z0-9]{0,31}-[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** The file operations the writer uses (a test replaces them to make a write fail). */
export interface WriteIo {
  /** Writes the whole content to a new file and makes it durable. */
  write(path: string, content: string): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
}

function writeDurable(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const buf = Buffer.from(content, 'utf8');
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  // Makes the rename durable; not every platform can open a directory.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

export const NODE_IO: WriteIo = {
  write: writeDurable,
  rename: renameSync,
  remove: (path) => rmSync(path, { force: true }),
};

let tempCount = 0;

/** Writes `content` to `path` atomically (temp file in the same folder, then rename); leaves no temp file when it throws. */
export function writeFileAtomic(path: string, content: string, io: WriteIo = NODE_IO): void {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash) : '.';
  const temp = join(dir, `.${path.slice(slash + 1)}.${process.pid}.${++tempCount}.tmp`);
  try {
    io.write(temp, content);
    io.rename(temp, path);
  } catch (e) {
    try {
      io.remove(temp);
    } catch {
      /* the first error is the one to report */
    }
    throw e;
  }
  syncDir(dir);
}

/** Throws a RangeError unless `name` is a valid report name. */
export function checkReportName(name: string): string {
  if (!REPORT_NAME.test(name)) throw new RangeError(`invalid report name ${JSON.stringify(name)}: expected <kind>-<period> of letters, digits, "_" and "-" (e.g. daily-2026-01-05)`);
  return name;
}

/** Returns the report name of a kind and a period label (`daily`, `2026-01-05` → `daily-2026-01-05`). */
export function reportName(kind: string, period: string): string {
  return checkReportName(`${kind}-${period}`);
}

/** Returns `<data-dir>/reports`. */
export function reportsDir(dataDir: string): string {
  return join(dataDir, REPORTS_DIR);
}

/** Writes a report's page and JSON under `<data-dir>/reports/`; returns their paths. */
export function writeReport(dataDir: string, name: string, report: Report, io: WriteIo = NODE_IO): { json: string; html: string } {
  checkReportName(name);
  const dir = reportsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const html = join(dir, `${name}.html`);
  const json = join(dir, `${name}.json`);
  writeFileAtomic(html, renderReportHtml(report), io);
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`, io);
  return { json, html };
}

/** One written report, as GET /api/reports lists it. */
export interface ReportEntry {
  readonly name: string;
  readonly kind: string;
  readonly period: string;
  readonly bytes: number;
  /** Whether its HTML page exists. */
  readonly html: boolean;
}

/** Returns the reports written under the data dir (those with a JSON file), by kind then newest period first. */
export function listReports(dataDir: string): ReportEntry[] {
  const dir = reportsDir(dataDir);
  if (!existsSync(dir)) return [];
  const out: ReportEntry[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    const name = file.slice(0, -'.json'.length);
    if (!REPORT_NAME.test(name)) continue;
    const dash = name.indexOf('-');
    out.push({ name, kind: name.slice(0, dash), period: name.slice(dash + 1), bytes: statSync(join(dir, file)).size, html: existsSync(join(dir, `${name}.html`)) });
  }
  return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
}

/** Returns a written report's JSON or HTML text, or undefined when there is none; throws a RangeError on an invalid name. */
export function readReportFile(dataDir: string, name: string, format: 'json' | 'html'): string | undefined {
  checkReportName(name);
  const path = join(reportsDir(dataDir), `${name}.${format}`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Removes temp files a crashed process left in the reports folder (never a live process's); returns how many. */
export function removeStaleTemps(dataDir: string): number {
  const dir = reportsDir(dataDir);
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const file of readdirSync(dir)) {
    const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(file);
    // Another live process (a replay writing to the same folder) may be mid-write: leave its file.
    if (!m || (Number(m[1]) !== process.pid && alive(Number(m[1])))) continue;
    rmSync(join(dir, file), { force: true });
    n++;
  }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
