/** Starts the real `fleet` CLI as a child process and talks to it over HTTP; reads an in-process daemon's event log. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Daemon } from '../../src/main.ts';
import type { EventQuery, EventRecord } from '../../src/runtime/eventLog.ts';

const BIN = resolve(import.meta.dirname, '../../bin/fleet.js');

export interface RunningDaemon {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  token: () => string;
  /** POSTs JSON with the daemon's token. */
  post: (path: string, body: unknown) => Promise<Response>;
  /** GETs a path and parses the JSON answer. */
  get: (path: string) => Promise<unknown>;
}

/** Spawns `fleet start` on a free port (port 0) and resolves once it prints its URL. */
export function startDaemonProcess(dataDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningDaemon> {
  const proc = spawn(process.execPath, [BIN, 'start', '--data-dir', dataDir, '--port', '0', ...extra], {
    env: { ...process.env, FLEET_API_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in 20 s:\n${out}`)), 20_000);
    const onData = () => {
      const m = /API on (http:\/\/127\.0\.0\.1:\d+).*\nAPI token: .+\n/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      const url = m[1]!;
      const token = (): string => readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
      resolveStart({
        proc, url, output: () => out, exited, token,
        post: (path, body) => fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        get: async (path) => (await fetch(url + path)).json(),
      });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before starting:\n${out}`));
    });
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((r) => proc.on('exit', (code) => r({ code, stdout, stderr })));
}

/** Polls `fn` until it returns a truthy value (bounded), returning that value. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Returns an in-process daemon's event log records matching `q`, once everything appended so far is on disk. */
export async function logRecords(d: Pick<Daemon, 'runtime' | 'eventLog'>, q: EventQuery): Promise<EventRecord[]> {
  await d.runtime.settle();
  const out: EventRecord[] = [];
  for await (const r of d.eventLog.query(q)) out.push(r);
  return out;
}
