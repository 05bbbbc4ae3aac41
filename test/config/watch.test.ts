import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { ConfigError, loadConfigFile } from '../../src/config/load.ts';
import type { FleetConfig } from '../../src/config/schema.ts';
import { watchConfig } from '../../src/config/watch.ts';

let dir: string;
let file: string;
let clock: ManualClock;
let current: FleetConfig;
let applied: { next: FleetConfig; changed: string[] }[];
let rejected: ConfigError[];
let watcher: { close(): void; check(): void } | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-config-watch-'));
  file = join(dir, 'fleet.yaml');
  writeFileSync(file, 'risk:\n  dailyLossLimit: 500\n');
  clock = new ManualClock(1_000);
  current = loadConfigFile(file);
  applied = [];
  rejected = [];
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(env?: NodeJS.ProcessEnv): { close(): void; check(): void } {
  watcher = watchConfig(file, {
    clock,
    current: () => current,
    onApplied: (next, changed) => {
      applied.push({ next, changed });
      current = next;
    },
    onRejected: (err) => rejected.push(err),
    ...(env ? { env } : {}),
  });
  return watcher;
}

// fs.watch reports on its own schedule; wait in real time, boundedly, for the debounce to arm.
async function untilArmed(): Promise<void> {
  for (let i = 0; i < 200 && clock.pending() === 0; i++) await sleep(10);
  expect(clock.pending()).toBeGreaterThan(0);
}

// Rewrites the file the way editors do: a new file renamed over the old one.
function replaceFile(text: string): void {
  const tmp = join(dir, '.fleet.yaml.swp');
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

describe('watchConfig through fs.watch', () => {
  it('applies a valid change once the debounce elapses', async () => {
    start();
    writeFileSync(file, 'risk:\n  dailyLossLimit: 250\napi:\n  port: 9000\n');
    await untilArmed();
    clock.advance(99);
    expect(applied).toHaveLength(0);
    clock.advance(1);
    expect(applied).toHaveLength(1);
    expect(applied[0]?.changed).toEqual(['api.port', 'risk.dailyLossLimit']);
    expect(applied[0]?.next.risk.dailyLossLimit).toBe(250);
    expect(rejected).toHaveLength(0);
  });

  it('rejects an invalid file naming the key and keeps the last good config', async () => {
    start();
    replaceFile('risk:\n  dailyLossLimit: 250\n');
    await untilArmed();
    clock.advance(100);
    expect(applied).toHaveLength(1);
    const good = current;

    replaceFile('risk:\n  dailyLossLimit: lots\n');
    await untilArmed();
    clock.advance(100);
    expect(applied).toHaveLength(1);
    expect(current).toBe(good);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(ConfigError);
    expect(rejected[0]?.code).toBe('CONFIG_INVALID');
    expect(rejected[0]?.issues[0]?.path).toBe('risk.dailyLossLimit');
    expect(rejected[0]?.message).toContain(`config ${file}: risk.dailyLossLimit: expected number, received string`);
  });

  it('ignores other files in the directory', async () => {
    start();
    writeFileSync(join(dir, 'other.yaml'), 'mode: live\n');
    await sleep(200);
    expect(clock.pending()).toBe(0);
    clock.advance(1_000);
    expect(applied).toHaveLength(0);
    expect(rejected).toHaveLength(0);
  });

  it('stops watching and clears the pending timer on close', async () => {
    const w = start();
    writeFileSync(file, 'risk:\n  dailyLossLimit: 250\n');
    await untilArmed();
    w.close();
    expect(clock.pending()).toBe(0);
    writeFileSync(file, 'risk:\n  dailyLossLimit: 125\n');
    await sleep(200);
    expect(clock.pending()).toBe(0);
    clock.advance(1_000);
    w.check();
    expect(applied).toHaveLength(0);
    expect(rejected).toHaveLength(0);
  });
});

describe('watchConfig.check', () => {
  it('applies a change at once, without the clock', () => {
    const w = start();
    writeFileSync(file, 'risk:\n  dailyLossLimit: 250\nscalper:\n  watchThreshold: 0.5\n');
    w.check();
    expect(applied.map((a) => a.changed)).toEqual([['risk.dailyLossLimit', 'scalper.watchThreshold']]);
    expect(clock.pending()).toBe(0);
  });

  it('reports nothing when the file is unchanged', () => {
    const w = start();
    writeFileSync(file, '# same values, new comment\nrisk:\n  dailyLossLimit: 500\n');
    w.check();
    expect(applied).toHaveLength(0);
    expect(rejected).toHaveLength(0);
  });

  it('rejects an invalid file without applying', () => {
    const w = start();
    writeFileSync(file, 'scalper:\n  watchThreshold: 0.9\n  armThreshold: 0.8\n');
    w.check();
    expect(applied).toHaveLength(0);
    expect(rejected[0]?.issues).toEqual([{ path: 'scalper.armThreshold', message: 'must be ≥ scalper.watchThreshold' }]);
  });

  it('rejects a file that disappears as unreadable', () => {
    const w = start();
    unlinkSync(file);
    expect(() => w.check()).not.toThrow();
    expect(applied).toHaveLength(0);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.code).toBe('CONFIG_UNREADABLE');
    expect(rejected[0]?.message).toContain('unreadable');
  });

  it('applies env secrets to the reloaded file so they do not count as changes', () => {
    const env = { FLEET_OKX_KEY: 'k' };
    writeFileSync(file, 'venues:\n  okx: {}\n');
    current = { ...loadConfigFile(file) };
    current.venues = { okx: { enabled: true, symbols: [], key: 'k' } };
    const w = start(env);
    writeFileSync(file, 'venues:\n  okx:\n    symbols: [BTC-USDT-SWAP]\n');
    w.check();
    expect(applied).toHaveLength(1);
    expect(applied[0]?.changed).toEqual(['venues.okx.symbols']);
    expect(applied[0]?.next.venues.okx?.key).toBe('k');
  });
});
