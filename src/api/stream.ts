/**
 * /api/stream: a WebSocket pushing committed event records and actor status changes to the
 * dashboard. Each client has a bounded send buffer: when a slow client falls behind, messages
 * are dropped and counted (never queued without bound), and it is told how many it missed.
 * A newly connected client first gets the last `streamBacklog` messages, so a page opened now
 * shows what just happened. While clients are connected, the summary and the hot list are pushed
 * once a second (`summary`, `hotlist`); they are state, not history, so they skip the backlog and a
 * new client gets the current ones right after `hello`.
 */
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Subscription } from 'rxjs';
import type { AppDeps } from './app.ts';
import { Ring } from '../runtime/ring.ts';
import { hotlistView, summaryView } from './views.ts';

const MAX_BUFFERED_BYTES = 1 << 20;
const STATE_PUSH_MS = 1000;

/** Serves the stream on the app's HTTP server (upgrade requests to /api/stream only). */
export function attachStream(app: FastifyInstance, deps: AppDeps): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<{ ws: WebSocket; dropped: number }>();
  const backlog = new Ring<string>(deps.streamBacklog);

  const broadcast = (msg: unknown): void => {
    const text = JSON.stringify(msg);
    backlog.push(text);
    for (const c of clients) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        c.dropped++;
        continue;
      }
      if (c.dropped > 0) {
        c.ws.send(JSON.stringify({ type: 'dropped', count: c.dropped }));
        c.dropped = 0;
      }
      c.ws.send(text);
    }
  };

  const subs: Subscription[] = [
    deps.eventLog.committed$.subscribe((record) => broadcast({ type: 'event', record })),
    deps.runtime.changed$.subscribe((actor) => broadcast({ type: 'actor', actor })),
  ];

  /** Sends a state message (summary, hot list) to every client, outside the backlog. */
  const publish = (msg: unknown): void => {
    const text = JSON.stringify(msg);
    for (const c of clients) if (c.ws.readyState === c.ws.OPEN && c.ws.bufferedAmount <= MAX_BUFFERED_BYTES) c.ws.send(text);
  };
  const state = (): unknown[] => {
    const summary = summaryView(deps);
    return [...(summary ? [{ type: 'summary', summary }] : []), { type: 'hotlist', rows: hotlistView(deps) }];
  };
  const timer = deps.clock.setInterval(() => {
    if (clients.size === 0) return;
    try {
      for (const m of state()) publish(m);
    } catch (e) {
      deps.logger.warn({ err: String(e) }, 'stream state push failed');
    }
  }, STATE_PUSH_MS);

  app.server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api/stream') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = { ws, dropped: 0 };
      clients.add(client);
      ws.on('close', () => clients.delete(client));
      ws.on('error', () => clients.delete(client));
      ws.send(JSON.stringify({ type: 'hello', mode: deps.mode(), lastSeq: deps.eventLog.lastSeq, actors: deps.runtime.list() }));
      for (const text of backlog.toArray()) ws.send(text);
      for (const m of state()) ws.send(JSON.stringify(m));
    });
  });

  app.addHook('onClose', async () => {
    deps.clock.clearInterval(timer);
    for (const s of subs) s.unsubscribe();
    for (const c of clients) c.ws.terminate();
    wss.close();
  });
}
