/** Market routes: the live book, trades, micro-candles and features of one instrument. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { ApiErrors, sendError } from '../errors.ts';
import type { SymbolReading } from '../../features/service.ts';

/** Returns a reading as /api/symbol's `features`: the view with its regime and scores. */
function featureBody(r: SymbolReading): Record<string, unknown> {
  return { ...r.view, regime: r.regime, regimeReasons: r.reasons, scoreLong: r.scores.long, scoreShort: r.scores.short, scoreParts: r.scores.parts, penalties: r.scores.penalties };
}

/** Returns the plugin with GET /api/symbol/:instrument and its saved feature history. */
export function marketRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/symbol/:instrument',
      {
        schema: {
          params: { type: 'object', properties: { instrument: { type: 'string', minLength: 3, maxLength: 200 } }, required: ['instrument'] },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              depth: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
              trades: { type: 'integer', minimum: 0, maximum: 2000, default: 50 },
              candles: { type: 'integer', minimum: 0, maximum: 300, default: 60 },
            },
          },
        },
      },
      async (request, reply) => {
        const { instrument } = request.params as { instrument: string };
        const q = request.query as { depth: number; trades: number; candles: number };
        const view = deps.market?.market.view(instrument, q.depth, q.trades, q.candles);
        if (!view) return sendError(reply, ApiErrors.notFound, `no instrument ${instrument} (ids are <venue>:<symbol>, URL-encoded)`);
        // Before the first fresh reading after a restart, the one saved on disk is shown as stale.
        const shown = deps.scalper?.features.shown(instrument);
        const features = shown ? { ...featureBody(shown.reading), stale: shown.stale, ageMs: deps.clock.now() - shown.ts } : {};
        return { ...view, state: deps.runtime.list().find((a) => a.id === `symbol:${instrument}`)?.state ?? null, features };
      },
    );
    app.get(
      '/api/symbol/:instrument/features/history',
      { schema: { params: { type: 'object', properties: { instrument: { type: 'string', minLength: 3, maxLength: 200 } }, required: ['instrument'] } } },
      async (request, reply) => {
        const { instrument } = request.params as { instrument: string };
        const history = (await deps.scalper?.features.history(instrument)) ?? [];
        // A symbol no longer followed still has its saved past (what it was before a crash).
        if (history.length === 0 && !deps.market?.market.registry.get(instrument)) return sendError(reply, ApiErrors.notFound, `no instrument ${instrument} (ids are <venue>:<symbol>, URL-encoded)`);
        const now = deps.clock.now();
        return { instrument, readings: history.map((r) => ({ ...featureBody(r), ageMs: now - r.ts })) };
      },
    );
  };
}
