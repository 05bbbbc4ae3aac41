import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../src/core/errors.ts';
import { ConfigError, loadConfigFile, parseConfigText } from '../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleet-config-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const yamlError = (text: string) => failure(() => parseConfigText(text, 'yaml', 'test.yaml'));
const jsonError = (text: string) => failure(() => parseConfigText(text, 'json', 'test.json'));

describe('validation errors name the key and the reason', () => {
  it.each([
    ['wrong type', 'risk:\n  dailyLossLimit: x\n', 'risk.dailyLossLimit', 'expected number, received string'],
    ['out of range', 'persistence:\n  flushIntervalMs: 50\n', 'persistence.flushIntervalMs', 'must be ≥ 100'],
    ['above range', 'persistence:\n  flushIntervalMs: 251\n', 'persistence.flushIntervalMs', 'must be ≤ 250'],
    ['non-integer', 'api:\n  port: 80.5\n', 'api.port', 'expected integer, received number'],
    ['unknown top-level key', 'modee: sim\n', 'modee', "unknown key 'modee'"],
    ['unknown nested key', 'risk:\n  foo: 1\n', 'risk.foo', "unknown key 'foo'"],
    ['unknown venue key', 'venues:\n  okx:\n    apiKey: k\n', 'venues.okx.apiKey', "unknown key 'apiKey'"],
    ['unknown venue id', 'venues:\n  kraken: {}\n', 'venues.kraken', "unknown venue id 'kraken'"],
    ['bad enum', 'mode: paper\n', 'mode', "received 'paper'"],
    ['bad ws URL', 'venues:\n  okx:\n    wsUrl: https://ws.okx.com\n', 'venues.okx.wsUrl', 'must be a ws:// or wss:// URL'],
    ['bad rest URL', 'venues:\n  okx:\n    restUrl: not a url\n', 'venues.okx.restUrl', 'must be an http:// or https:// URL'],
    ['fee out of range', 'venues:\n  okx:\n    fees: { maker: 0, taker: 0.5 }\n', 'venues.okx.fees.taker', 'must be ≤ 0.01'],
    ['bad symbol list', 'venues:\n  okx:\n    symbols: [1]\n', 'venues.okx.symbols.0', 'expected string, received number'],
    ['bad route venue', 'arbitrage:\n  routes:\n    - { asset: BTC, venueA: kraken, venueB: okx }\n', 'arbitrage.routes.0.venueA', "received 'kraken'"],
    ['missing route field', 'arbitrage:\n  routes:\n    - { asset: BTC, venueA: okx }\n', 'arbitrage.routes.0.venueB', 'missing'],
    ['arm below watch', 'scalper:\n  watchThreshold: 0.8\n  armThreshold: 0.7\n', 'scalper.armThreshold', 'must be ≥ scalper.watchThreshold'],
    ['tp2 inside tp1', 'scalper:\n  exits: { tp1R: 2, tp2R: 1 }\n', 'scalper.exits.tp2R', 'must be ≥ scalper.exits.tp1R'],
    ['tiers out of order', 'scalper:\n  signals:\n    tiers: { high: 0.4, medium: 0.5, low: 0.3 }\n', 'scalper.signals.tiers', 'high ≥ medium ≥ low'],
    ['unknown scalper entry key', 'scalper:\n  entry: { makerTimeout: 5 }\n', 'scalper.entry.makerTimeout', 'unknown'],
    ['tp1 share above 1', 'scalper:\n  exits: { tp1Share: 1.5 }\n', 'scalper.exits.tp1Share', '≤ 1'],
    ['backoff max below initial', 'supervisor:\n  backoffInitialMs: 500\n  backoffMaxMs: 100\n', 'supervisor.backoffMaxMs', 'must be ≥ supervisor.backoffInitialMs'],
    ['bad log level', 'log:\n  level: loud\n', 'log.level', "received 'loud'"],
  ])('%s', (_name, text, path, reason) => {
    const err = yamlError(text);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.errorClass).toBe('non-retryable');
    expect(err).toBeInstanceOf(FleetError);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe(path);
    expect(err.issues[0]?.message).toContain(reason);
    expect(err.message).toBe(`config test.yaml: ${path}: ${err.issues[0]?.message}`);
  });

  it('reports every issue at once, each unknown key on its own line', () => {
    const err = jsonError(
      JSON.stringify({ mode: 'paper', risk: { dailyLossLimit: -1, foo: 1, bar: 2 }, extra: true, api: { port: 70000 } }),
    );
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(['api.port', 'extra', 'mode', 'risk.bar', 'risk.dailyLossLimit', 'risk.foo']);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).toMatch(/^config test\.json: [\w.]+: .+/);
    expect(err.issues.find((i) => i.path === 'risk.dailyLossLimit')?.message).toBe('must be > 0');
  });

  it('gives the same issues for the same config in JSON and YAML', () => {
    const fromJson = jsonError('{"risk": {"maxPortfolioHeat": 2}}');
    const fromYaml = yamlError('risk: { maxPortfolioHeat: 2 }');
    expect(fromJson.issues).toEqual([{ path: 'risk.maxPortfolioHeat', message: 'must be ≤ 1' }]);
    expect(fromYaml.issues).toEqual(fromJson.issues);
  });
});

describe('syntax and shape errors', () => {
  it('reports a YAML syntax error with its line and column', () => {
    const err = yamlError('mode: sim\nrisk: [\n  a: b: c\n');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues[0]?.path).toBe('(root)');
    expect(err.issues[0]?.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
  });

  it('refuses a YAML alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    expect(yamlError(lines.join('\n')).issues[0]?.message).toMatch(/^invalid YAML: .*alias/i);
  });

  it('rejects duplicate YAML keys', () => {
    expect(yamlError('mode: sim\nmode: dry\n').issues[0]?.message).toMatch(/invalid YAML at line 2/);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const err = jsonError('{\n  "mode": "sim",\n  "risk" {}\n}');
    expect(err.issues[0]?.path).toBe('(root)');
    expect(err.issues[0]?.message).toBe("invalid JSON at line 3, column 10: Unexpected token '{'");
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('reports a truncated JSON file at its end', () => {
    const err = jsonError('{\n  "mode": "sim"\n');
    expect(err.issues[0]?.message).toMatch(/^invalid JSON at line 3, column 1: /);
  });

  it.each([
    ['array', '[1, 2]', 'array'],
    ['string', '"sim"', 'string'],
    ['null', 'null', 'null'],
  ])('rejects a top-level %s', (_name, text, kind) => {
    const err = jsonError(text);
    expect(err.issues).toEqual([{ path: '(root)', message: `expected an object at the top level, received ${kind}` }]);
  });

  it('rejects a top-level YAML list', () => {
    expect(yamlError('- mode: sim\n').issues[0]?.message).toContain('received array');
  });

  it('treats an empty or comment-only YAML file as the defaults', () => {
    expect(parseConfigText('', 'yaml', 'e.yaml').mode).toBe('sim');
    expect(parseConfigText('# nothing yet\n', 'yaml', 'e.yaml').api.port).toBe(8080);
  });
});

describe('loadConfigFile', () => {
  it('reads YAML and JSON by extension', () => {
    const y = loadConfigFile(write('a.yaml', 'mode: dry\napi:\n  port: 9000\n'));
    expect(y.mode).toBe('dry');
    expect(y.api.port).toBe(9000);
    const j = loadConfigFile(write('a.json', '\uFEFF{"mode": "signal"}'));
    expect(j.mode).toBe('signal');
    expect(loadConfigFile(write('a.yml', 'mode: live\n')).mode).toBe('live');
  });

  it('reads JSON syntax for a .json file only', () => {
    const err = failure(() => loadConfigFile(write('b.json', 'mode: dry\n')));
    expect(err.issues[0]?.message).toMatch(/^invalid JSON at line 1, column 1: /);
  });

  it('tries JSON then YAML for other extensions', () => {
    expect(loadConfigFile(write('c.conf', '{"mode": "dry"}')).mode).toBe('dry');
    expect(loadConfigFile(write('d.conf', 'mode: live\n')).mode).toBe('live');
    const err = failure(() => loadConfigFile(write('e.conf', 'mode: paper\n')));
    expect(err.issues).toEqual([{ path: 'mode', message: expect.stringContaining("received 'paper'") }]);
  });

  it('names the file in every line of the message', () => {
    const p = write('f.yaml', 'risk:\n  foo: 1\n');
    expect(failure(() => loadConfigFile(p)).message).toBe(`config ${p}: risk.foo: unknown key 'foo'`);
  });

  it('reports a missing file as unreadable with the OS reason', () => {
    const p = join(dir, 'missing.yaml');
    const err = failure(() => loadConfigFile(p));
    expect(err.code).toBe('CONFIG_UNREADABLE');
    expect(err.issues[0]?.path).toBe('(root)');
    expect(err.message).toContain(p);
    expect(err.message).toContain('ENOENT');
  });

  it('reports a directory as unreadable', () => {
    const p = join(dir, 'adir.yaml');
    mkdirSync(p);
    const err = failure(() => loadConfigFile(p));
    expect(err.code).toBe('CONFIG_UNREADABLE');
    expect(err.message).toContain('EISDIR');
  });
});
