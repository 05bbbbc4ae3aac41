/**
 * Reading, validating and comparing config files. Every failure becomes a ConfigError whose
 * issues name the dotted key and the reason, because the CLI exits 2 with exactly that text and
 * a hot reload reports it without touching the running config.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ErrorCodes, FleetError, errorMessage } from '../core/errors.ts';
import { jsonErrorOffset } from './jsonPosition.ts';
import { VENUE_IDS, configSchema, type FleetConfig } from './schema.ts';

export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigErrorCode = typeof ErrorCodes.CONFIG_INVALID | typeof ErrorCodes.CONFIG_UNREADABLE;

export class ConfigError extends FleetError {
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[], code: ConfigErrorCode = ErrorCodes.CONFIG_INVALID) {
    super(code, issues.map((i) => `config ${source}: ${i.path}: ${i.message}`).join('\n'), 'non-retryable', issues);
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }
}

const ROOT = '(root)';

/** Returns the config that an empty file yields. */
export function defaultConfig(): FleetConfig {
  return configSchema.parse({});
}

/** Parses and validates config text, throwing a ConfigError that names every bad key. */
export function parseConfigText(text: string, format: 'json' | 'yaml', source: string): FleetConfig {
  const data = format === 'json' ? parseJson(text, source) : parseYaml(text, source);
  return validate(data, source);
}

/** Reads and validates a config file, choosing the syntax from its extension. */
export function loadConfigFile(path: string): FleetConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [{ path: ROOT, message: `unreadable: ${errorMessage(e)}` }], ErrorCodes.CONFIG_UNREADABLE);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return parseConfigText(text, 'json', path);
  if (ext === '.yaml' || ext === '.yml') return parseConfigText(text, 'yaml', path);
  // Unknown extension: JSON is tried first only for its sharper syntax errors; YAML is a superset.
  let data: unknown;
  try {
    data = parseJson(text, path);
  } catch {
    data = parseYaml(text, path);
  }
  return validate(data, path);
}

/**
 * Returns a copy of the config with each venue's key, secret and passphrase, and the Telegram bot
 * token, taken from env where set; throws a ConfigError when an enabled Telegram has no token.
 */
export function applySecretEnv(config: FleetConfig, env: NodeJS.ProcessEnv): FleetConfig {
  const out = structuredClone(config);
  for (const id of VENUE_IDS) {
    const venue = out.venues[id];
    // A venue the file leaves out stays out: a stray env var must not switch a venue on.
    if (!venue) continue;
    const prefix = `FLEET_${id.toUpperCase().replaceAll('-', '_')}_`;
    // Empty values count as unset, so `FLEET_OKX_KEY=` in a shell script does not wipe a key.
    const key = env[`${prefix}KEY`];
    const secret = env[`${prefix}SECRET`];
    const passphrase = env[`${prefix}PASSPHRASE`];
    if (key) venue.key = key;
    if (secret) venue.secret = secret;
    if (passphrase) venue.passphrase = passphrase;
  }
  // A config built by hand (tests, tools) may predate the notify section.
  const telegram = out.notify?.telegram;
  if (!telegram) return out;
  const telegramToken = env.FLEET_TELEGRAM_TOKEN;
  if (telegramToken) telegram.token = telegramToken;
  // Only now, with env applied, can a missing bot token be told apart from one kept out of the file.
  if (telegram.enabled && !telegram.token) {
    throw new ConfigError('file+env', [{ path: 'notify.telegram.token', message: 'required when notify.telegram.enabled is true (set it or FLEET_TELEGRAM_TOKEN)' }]);
  }
  return out;
}

/** Returns the sorted dotted paths of the leaves that differ between two configs. */
export function diffConfig(prev: FleetConfig, next: FleetConfig): string[] {
  const out: string[] = [];
  diffInto(prev, next, '', out);
  return out.sort();
}

export const RESTART_REQUIRED = ['api.host', 'api.port', 'mode', 'arbitrage.enabled', 'arbitrage.routes', 'arbitrage.cooldownMs', 'scalper.universe', 'scalper.categories.prime.depth', 'scalper.categories.normal.depth', 'scalper.categories.wild.depth', 'notify', 'reports', 'retention'];

/** Returns the changed keys that take effect only after a restart. */
export function restartRequired(changed: string[]): string[] {
  return changed.filter((c) => RESTART_REQUIRED.some((p) => c === p || c.startsWith(`${p}.`)));
}

function parseJson(text: string, source: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (e) {
    // V8's own position is absent for some errors and its snippet may span lines; locate it ourselves.
    const reason = errorMessage(e)
      .replace(/, .* is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    const offset = jsonErrorOffset(body) ?? body.length;
    const { line, column } = lineColumn(body, offset);
    throw new ConfigError(source, [{ path: ROOT, message: `invalid JSON at line ${line}, column ${column}: ${reason}` }]);
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(stripBom(text), { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((err) => {
        const { line, col } = lineCounter.linePos(err.pos[0]);
        return { path: ROOT, message: `invalid YAML at line ${line}, column ${col}: ${firstLine(err.message)}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // Alias bombs and similar are refused while building values, after the syntax passed.
    throw new ConfigError(source, [{ path: ROOT, message: `invalid YAML: ${firstLine(errorMessage(e))}` }]);
  }
  // An empty file, or one holding only comments, asks for the defaults.
  return data === null || data === undefined ? {} : data;
}

function validate(data: unknown, source: string): FleetConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(source, [{ path: ROOT, message: `expected an object at the top level, received ${typeName(data)}` }]);
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(source, result.error.issues.flatMap((issue) => toIssues(issue, [], data)));
}

type Key = PropertyKey;

function toIssues(issue: z.core.$ZodIssue, prefix: Key[], root: unknown): ConfigIssue[] {
  const at = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const isVenues = at.length === 1 && at[0] === 'venues';
      return issue.keys.map((k) => ({
        path: dotted([...at, k]),
        message: isVenues ? `unknown venue id '${k}' (expected one of ${VENUE_IDS.join(', ')})` : `unknown key '${k}'`,
      }));
    }
    case 'invalid_union': {
      // A branch whose issues all sit deeper than the union matched the shape; its issues say more.
      const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
      if (deeper) return deeper.flatMap((i) => toIssues(i, at, root));
      return [{ path: dotted(at), message: issue.message }];
    }
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      const got = valueAt(root, at);
      const message = got === undefined ? `missing; expected ${expected}` : `expected ${expected}, received ${typeName(got)}`;
      return [{ path: dotted(at), message }];
    }
    case 'invalid_value': {
      const got = valueAt(root, at);
      const expected = `expected one of ${issue.values.map(show).join(', ')}`;
      return [{ path: dotted(at), message: got === undefined ? `missing; ${expected}` : `${expected}, received ${show(got)}` }];
    }
    case 'too_small':
      return [{ path: dotted(at), message: bound(issue.origin, issue.inclusive ? '≥' : '>', issue.minimum, 'at least') }];
    case 'too_big':
      return [{ path: dotted(at), message: bound(issue.origin, issue.inclusive ? '≤' : '<', issue.maximum, 'at most') }];
    default:
      return [{ path: dotted(at), message: issue.message }];
  }
}

function bound(origin: string, op: string, limit: number | bigint, words: string): string {
  if (origin === 'array') return `must have ${words} ${limit} item(s)`;
  if (origin === 'string') return limit === 1 && words === 'at least' ? 'must not be empty' : `must have ${words} ${limit} character(s)`;
  return `must be ${op} ${limit}`;
}

function dotted(path: Key[]): string {
  return path.length === 0 ? ROOT : path.map(String).join('.');
}

function valueAt(root: unknown, path: Key[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffInto(a: unknown, b: unknown, path: string, out: string[]): void {
  const aObj = isPlainObject(a);
  const bObj = isPlainObject(b);
  // An object against a scalar is one change at that path; against nothing, its leaves changed.
  if ((aObj && !bObj && b !== undefined) || (bObj && !aObj && a !== undefined)) {
    out.push(path || ROOT);
    return;
  }
  if (aObj || bObj) {
    const ao = aObj ? a : {};
    const bo = bObj ? b : {};
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      diffInto(ao[k], bo[k], path ? `${path}.${k}` : k, out);
    }
    return;
  }
  if (!deepEqual(a, b)) out.push(path || ROOT);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ak = Object.keys(a);
    const bk = Object.keys(b);
    return ak.length === bk.length && ak.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
