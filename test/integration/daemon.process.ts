/** Starts the real `fleet` CLI as a child process and talks to it over HTTP; reads an in-process daemon's event log. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { SimVenueEndpoint } from '../../src/sim/cluster.ts';
import { tempDir } from '../helpers.ts';
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

/**
 * What a test file's daemon processes need: a temp dir, `start` (a `fleet start` process tracked
 * for the end) and `track` (anything with `close()`, such as a simulated cluster). After the file's
 * tests every process still running is killed (and waited for), everything tracked is closed and
 * the dir removed.
 */
export function processScope(prefix: string): {
  tmp: { dir: string; cleanup: () => void };
  start: (dataDir: string, extra?: string[], env?: NodeJS.ProcessEnv) => Promise<RunningDaemon>;
  track: <T extends { close(): Promise<void> }>(thing: T) => T;
} {
  const tmp = tempDir(prefix);
  const running: RunningDaemon[] = [];
  const closing: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    // Killed and gone before the dir is removed: a dying process must not write into it.
    for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) d.proc.kill('SIGKILL');
    await Promise.all(running.map((d) => d.exited));
    for (const c of closing) await c.close();
    tmp.cleanup();
  });
  return {
    tmp,
    start: async (dataDir, extra = [], env = {}) => {
      const d = await startDaemonProcess(dataDir, extra, env);
      running.push(d);
      return d;
    },
    track: (thing) => {
      closing.push(thing);
      return thing;
    },
  };
}

/** Returns a simulated venue as a config's venue entry: its public and private URLs and its API keys. */
export function simVenueConfig(e: SimVenueEndpoint, symbols: string[]): Record<string, unknown> {
  return { wsUrl: e.wsUrl, restUrl: e.restUrl, privateWsUrl: e.wsUrl, symbols, key: e.credentials.apiKey, secret: e.credentials.apiSecret };
}
