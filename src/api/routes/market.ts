/** Market routes: the live book, trades, micro-candles and features of one instrument. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { ApiErrors, sendError } from '../errors.ts';

/** Returns the plugin with GET /api/symbol/:instrument. */
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
        const r = deps.scalper?.features.reading(instrument);
        const features = r ? { ...r.view, regime: r.regime, regimeReasons: r.reasons, scoreLong: r.scores.long, scoreShort: r.scores.short, scoreParts: r.scores.parts, penalties: r.scores.penalties } : {};
        return { ...view, state: deps.runtime.list().find((a) => a.id === `symbol:${instrument}`)?.state ?? null, features };
      },
    );
  };
}
