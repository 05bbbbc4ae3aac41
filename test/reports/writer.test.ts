import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/report.ts';
import { listReports, NODE_IO, readReportFile, removeStaleTemps, reportName, writeFileAtomic, writeReport, type WriteIo } from '../../src/reports/writer.ts';
import { tempDir } from '../helpers.ts';
import { DAY, HOUR, WED, row } from './fixtures.ts';

const report = (pnl = '1') => buildReport({ rows: [row(pnl, WED + HOUR)], from: WED, to: WED + DAY });

/** Writes half the content, then fails as a full disk would. */
const halfThenFail: WriteIo = {
  ...NODE_IO,
  write: (path, content) => {
    writeFileSync(path, content.slice(0, content.length / 2));
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  },
};

describe('report writer', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());
  const files = () => readdirSync(join(dir.dir, 'reports')).sort();

  it('writes <data-dir>/reports/<name>.json and .html and lists them, with no temp file left', () => {
    const paths = writeReport(dir.dir, 'daily-2026-01-07', report());
    expect(paths.json).toBe(join(dir.dir, 'reports', 'daily-2026-01-07.json'));
    expect(files()).toEqual(['daily-2026-01-07.html', 'daily-2026-01-07.json']);
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(report());
    writeReport(dir.dir, 'daily-2026-01-06', report());
    writeReport(dir.dir, 'weekly-2026-W02', report());
    expect(listReports(dir.dir).map((e) => e.name)).toEqual(['daily-2026-01-07', 'daily-2026-01-06', 'weekly-2026-W02']);
    expect(listReports(dir.dir)[0]).toMatchObject({ kind: 'daily', period: '2026-01-07', html: true });
  });

  it('a write that fails half way leaves the previous file whole and no temp file', () => {
    writeReport(dir.dir, 'daily-2026-01-07', report('1'));
    const before = readFileSync(join(dir.dir, 'reports', 'daily-2026-01-07.json'), 'utf8');
    expect(() => writeReport(dir.dir, 'daily-2026-01-07', report('2'), halfThenFail)).toThrow(/ENOSPC/);
    expect(readFileSync(join(dir.dir, 'reports', 'daily-2026-01-07.json'), 'utf8')).toBe(before);
    expect(files()).toEqual(['daily-2026-01-07.html', 'daily-2026-01-07.json']);
  });

  it('a first write that fails leaves no file at all, so nothing is listed', () => {
    expect(() => writeReport(dir.dir, 'daily-2026-01-08', report(), halfThenFail)).toThrow(/ENOSPC/);
    expect(files()).toEqual([]);
    expect(listReports(dir.dir)).toEqual([]);
  });

  it('a failed rename removes its temp file', () => {
    const target = join(dir.dir, 'target');
    mkdirSync(join(target, 'occupied'), { recursive: true }); // renaming a file over a non-empty directory fails
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir.dir)).toEqual(['target']);
  });

  it('refuses names that could leave the folder or are not <kind>-<period>', () => {
    for (const bad of ['../x', 'daily-../../etc', 'daily-2026.01', 'daily', '-x', 'Daily-1', 'daily-a/b', '', 'daily-a\u0000']) {
      expect(() => writeReport(dir.dir, bad, report()), bad).toThrow(RangeError);
      expect(() => readReportFile(dir.dir, bad, 'json'), bad).toThrow(RangeError);
    }
    expect(reportName('replay', '2026-01-07T10-00_seed42')).toBe('replay-2026-01-07T10-00_seed42');
    expect(existsSync(join(dir.dir, 'reports'))).toBe(false);
  });

  it('removes temp files of dead processes, never those of a live one', () => {
    mkdirSync(join(dir.dir, 'reports'));
    const dead = '.daily-2026-01-07.json.999999999.1.tmp';
    const live = `.daily-2026-01-07.json.${process.ppid}.1.tmp`;
    for (const f of [dead, live]) writeFileSync(join(dir.dir, 'reports', f), 'part');
    expect(removeStaleTemps(dir.dir)).toBe(1);
    expect(files()).toEqual([live]);
    expect(listReports(dir.dir)).toEqual([]);
  });
});
