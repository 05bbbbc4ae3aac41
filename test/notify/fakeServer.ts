/**
 * A local HTTP server on 127.0.0.1 that speaks the Telegram Bot API's sendMessage shape at
 * /bot<token>/sendMessage and takes webhook calls at /hook. Answers are scripted per path: a
 * status and body, `hang` (never answers) or `hold` (answers 200 once `release()` is called).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'hold';

export interface FakeServer {
  readonly base: string;
  readonly received: Received[];
  /** Queues the next answers for a path (`telegram` or `hook`); after them, 200 OK. */
  script(path: 'telegram' | 'hook', ...replies: Reply[]): void;
  /** Answers every held request with 200. */
  release(): void;
  /** Resolves once `n` requests have arrived (in total, or on a path). */
  waitFor(n: number, path?: 'telegram' | 'hook'): Promise<void>;
  close(): Promise<void>;
}

export const TOKEN = '123456:TEST-token';

/** Starts the fake server on an ephemeral port. */
export async function startFakeServer(): Promise<FakeServer> {
  const received: Received[] = [];
  const scripts = { telegram: [] as Reply[], hook: [] as Reply[] };
  const held: (() => void)[] = [];
  const waiters: (() => void)[] = [];
  let messageId = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const kind = path === `/bot${TOKEN}/sendMessage` ? 'telegram' : path === '/hook' ? 'hook' : undefined;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        /* kept empty: the test sees it */
      }
      received.push({ path, headers: req.headers, body });
      for (const w of waiters.splice(0)) w();
      const ok = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(kind === 'telegram' ? { ok: true, result: { message_id: ++messageId, chat: { id: body.chat_id }, text: body.text } } : { received: true }));
      };
      if (!kind) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
        return;
      }
      const reply = scripts[kind].shift();
      if (reply === undefined) return ok();
      if (reply === 'hang') return;
      if (reply === 'hold') return void held.push(ok);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const count = (path?: 'telegram' | 'hook'): number =>
    path ? received.filter((r) => (path === 'hook' ? r.path === '/hook' : r.path.endsWith('/sendMessage'))).length : received.length;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    script: (path, ...replies) => void scripts[path].push(...replies),
    release: () => {
      for (const h of held.splice(0)) h();
    },
    waitFor: async (n, path) => {
      while (count(path) < n) await new Promise<void>((r) => waiters.push(r));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Telegram's answer to a flood: HTTP 429 with `parameters.retry_after` in seconds. */
export function tooManyRequests(retryAfterS: number): Reply {
  return { status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfterS}`, parameters: { retry_after: retryAfterS } } };
}

/** Telegram's answer to a bad request (e.g. an unknown chat). */
export function badRequest(description = 'Bad Request: chat not found'): Reply {
  return { status: 400, body: { ok: false, error_code: 400, description } };
}
