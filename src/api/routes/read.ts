/** Read-only routes: health, actors, events. Open on loopback. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { chartOf } from '../../runtime/chart.ts';
import type { EventQuery } from '../../runtime/eventLog.ts';
import type { AppDeps } from '../app.ts';
import { ApiErrors, sendError } from '../errors.ts';

const eventFilters = {
  actor: { type: 'string', minLength: 1, maxLength: 200 },
  type: { type: 'string', minLength: 1, maxLength: 100 },
} as const;

/** Returns the plugin with the read routes. */
export function readRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/api/health', async () => {
      const actors = deps.runtime.list();
      const portfolio = actors.find((a) => a.id === 'portfolio');
      const connectors = deps.connectors();
      const troubled =
        actors.some((a) => a.status !== 'running') ||
        portfolio?.state === 'risk_off' ||
        portfolio?.state === 'killed' ||
        connectors.some((c) => c.state !== 'live');
      const market = deps.market?.marketHealth();
      const shedding = market?.backlog.some((b) => (b.shedConnections as number) > 0) ?? false;
      const status = deps.stopping?.() || !portfolio ? 'down' : troubled || shedding ? 'degraded' : 'ok';
      return { status, mode: deps.mode(), uptimeMs: deps.clock.now() - deps.startedAt, connectors, ...(market ? { market } : {}) };
    });

    app.get('/api/retention', async () => ({ last: deps.retention?.last() ?? null }));

    app.get(
      '/api/actors',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string' }, state: { type: 'string' } } } } },
      async (request) => {
        const q = request.query as { kind?: string; state?: string };
        return deps.runtime
          .list()
          .filter((a) => (q.kind === undefined || a.kind === q.kind) && (q.state === undefined || a.state === q.state));
      },
    );

    app.get('/api/actors/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      const d = deps.runtime.describe(id);
      if (!d) return sendError(reply, ApiErrors.notFound, `no actor ${id}`);
      const { logic, ...rest } = d;
      return { ...rest, chart: chartOf(logic) };
    });

    app.get(
      '/api/events/recent',
      {
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { ...eventFilters, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          },
        },
      },
      async (request) => {
        const q = request.query as { actor?: string; type?: string; limit: number };
        // Only committed records are served: a seq seen outside is never reused after a crash.
        await deps.runtime.settle();
        const out = [];
        for await (const r of deps.eventLog.query({ actor: q.actor, type: q.type, limit: q.limit, order: 'desc' })) out.push(r);
        return out;
      },
    );

    // The whole log as NDJSON, oldest first; `fleet audit` pages through it while the daemon
    // holds the data dir. Unreadable records come as `{"corrupt":{seq,reason}}` lines.
    app.get(
      '/api/events',
      {
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...eventFilters,
              since: { type: 'integer' },
              until: { type: 'integer' },
              afterSeq: { type: 'integer', minimum: 0 },
              limit: { type: 'integer', minimum: 1, maximum: 100_000, default: 10_000 },
            },
          },
        },
      },
      async (request, reply) => {
        const q = request.query as EventQuery;
        await deps.runtime.settle();
        const lines: string[] = [];
        for await (const r of deps.eventLog.query(q, (c) => lines.push(JSON.stringify({ corrupt: c })))) lines.push(JSON.stringify(r));
        return reply.type('application/x-ndjson').send(lines.length ? lines.join('\n') + '\n' : '');
      },
    );
  };
}
