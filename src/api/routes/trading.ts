/**
 * The portfolio, orders, reconciliation and the mode: GET /api/summary, /api/trades/active, /api/arbitrage,
 * /api/orders, /api/integrity; POST /api/mode (PIN + confirmation for LIVE), /api/orders/:id/cancel,
 * /api/integrity/adopt and /api/integrity/flatten (`{ venue }`, the two answers to an
 * INTEGRITY_BROKEN venue). Mutations need the token.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { MODES, VENUE_IDS, type Mode, type VenueId } from '../../config/schema.ts';
import { errorMessage } from '../../core/errors.ts';
import type { ExecutionService } from '../../execution/service.ts';
import type { AppDeps } from '../app.ts';
import { requireToken } from '../auth.ts';
import { ApiErrors, sendError } from '../errors.ts';
import { summaryView } from '../views.ts';

const venueBody = {
  type: 'object',
  additionalProperties: false,
  required: ['venue'],
  properties: { venue: { type: 'string', enum: [...VENUE_IDS] } },
} as const;

/** Returns the plugin with the trading routes (registered only when execution runs). */
export function tradingRoutes(deps: AppDeps, ex: ExecutionService): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/api/summary', async () => summaryView(deps));

    app.get('/api/trades/active', async () => ({ positions: ex.positions(), sagas: deps.arbitrage?.sagas() ?? [] }));

    app.get('/api/arbitrage', async () => ({
      routes: deps.arbitrage?.routesView() ?? [],
      metrics: deps.arbitrage?.summary() ?? null,
      rebalance: deps.arbitrage?.rebalance() ?? { suggestions: [], busiest: [] },
    }));

    app.get('/api/orders', async () =>
      ex.orders.open().map((o) => ({
        clientOrderId: o.clientOrderId,
        instrument: o.instrument,
        side: o.side,
        status: ex.orders.status(o.clientOrderId),
        strategy: o.spec?.strategy ?? null,
        venueOrderId: o.venueOrderId,
        filledLots: o.filled,
        qtyLots: o.qty,
        avgPrice: o.avgPrice,
        updatedAt: o.updatedAt,
      })),
    );

    app.get('/api/integrity', async () => ex.integrity());

    app.get('/api/kills', async () => ex.kills());

    await app.register(async (authed) => {
      authed.addHook('onRequest', requireToken(deps.token));

      authed.post(
        '/api/mode',
        {
          schema: {
            body: {
              type: 'object',
              additionalProperties: false,
              required: ['mode'],
              properties: { mode: { type: 'string', enum: [...MODES] }, pin: { type: 'string', maxLength: 128 }, confirm: { type: 'string', maxLength: 128 } },
            },
          },
        },
        async (request, reply) => {
          const body = request.body as { mode: Mode; pin?: string; confirm?: string };
          let answer;
          try {
            answer = await ex.setMode(body);
          } catch (e) {
            return sendError(reply, ApiErrors.conflict, errorMessage(e));
          }
          if (answer.status !== 200) {
            const err = answer.status === 403 ? ApiErrors.forbidden : answer.status === 409 ? ApiErrors.conflict : ApiErrors.badRequest;
            return sendError(reply, err, answer.error);
          }
          return answer.body;
        },
      );

      const scopeBody = {
        type: 'object',
        additionalProperties: false,
        required: ['level', 'target'],
        properties: {
          level: { type: 'string', enum: ['instrument', 'venue'] },
          target: { type: 'string', minLength: 1, maxLength: 200 },
          reason: { type: 'string', minLength: 1, maxLength: 500 },
        },
      } as const;
      const knownTarget = (level: 'instrument' | 'venue', target: string): boolean =>
        level === 'venue' ? ex.venues.includes(target as VenueId) : deps.market?.market.registry.get(target) !== undefined;

      authed.post('/api/kill-switch/scope', { schema: { body: scopeBody } }, async (request, reply) => {
        const { level, target, reason } = request.body as { level: 'instrument' | 'venue'; target: string; reason?: string };
        if (!knownTarget(level, target)) return sendError(reply, ApiErrors.notFound, `no ${level} ${target} trades here`);
        ex.kill(level, target, reason ?? `kill switch (API, ${level} ${target})`);
        return { level, target, kills: ex.kills() };
      });

      authed.post('/api/kill-switch/scope/reset', { schema: { body: scopeBody } }, async (request, reply) => {
        const { level, target } = request.body as { level: 'instrument' | 'venue'; target: string };
        if (!ex.resetKill(level, target, 'api')) return sendError(reply, ApiErrors.notFound, `no ${level} kill on ${target}`);
        return { level, target, kills: ex.kills() };
      });

      authed.post('/api/orders/:id/cancel', async (request, reply) => {
        const { id } = request.params as { id: string };
        if (!ex.orders.cancel(id, 'operator')) return sendError(reply, ApiErrors.notFound, `no open order ${id}`);
        return { clientOrderId: id, status: ex.orders.status(id) };
      });

      authed.post('/api/integrity/adopt', { schema: { body: venueBody } }, async (request, reply) => {
        const { venue } = request.body as { venue: VenueId };
        try {
          return await ex.adopt(venue);
        } catch (e) {
          return sendError(reply, ApiErrors.conflict, errorMessage(e));
        }
      });

      authed.post('/api/integrity/flatten', { schema: { body: venueBody } }, async (request, reply) => {
        const { venue } = request.body as { venue: VenueId };
        try {
          return { venue, ...(await ex.flatten(venue, 'operator flatten (API)')) };
        } catch (e) {
          return sendError(reply, ApiErrors.conflict, errorMessage(e));
        }
      });
    });
  };
}
