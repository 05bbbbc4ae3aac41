/** Fault drills, registered only with `--debug-faults` (otherwise the routes do not exist: 404). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { requireToken } from '../auth.ts';
import { ApiErrors, sendError } from '../errors.ts';
import { SIM_FAULT_KINDS, VENUE_IDS, type VenueId } from '../../config/schema.ts';
import type { SimFault } from '../../sim/protocolServer.ts';
import { clientOrderId, type ClientIdVenue } from '../../execution/clientOrderId.ts';

/** Returns the plugin with the debug routes. */
export function debugRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // onRequest: authentication comes before body validation, so a stranger learns nothing from a 400.
    app.addHook('onRequest', requireToken(deps.token));
    // A bodiless POST (curl -X POST) is an empty object, not a schema failure.
    app.addHook('preValidation', async (request) => {
      request.body ??= {};
    });
    app.post(
      '/api/debug/crash',
      {
        schema: {
          body: { type: 'object', additionalProperties: false, required: ['actor'], properties: { actor: { type: 'string', minLength: 1 } } },
        },
      },
      async (request, reply) => {
        const { actor } = request.body as { actor: string };
        if (!deps.runtime.has(actor)) return sendError(reply, ApiErrors.notFound, `no actor ${actor}`);
        if (!deps.runtime.send(actor, { type: 'debug.crash' })) return sendError(reply, ApiErrors.conflict, `actor ${actor} is not running`);
        return reply.code(202).send({ actor, crashed: true });
      },
    );
    app.post(
      '/api/debug/fault',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['venue', 'kind'],
            properties: {
              venue: { type: 'string', enum: [...VENUE_IDS] },
              kind: { type: 'string', enum: [...SIM_FAULT_KINDS] },
              count: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
            },
          },
        },
      },
      async (request, reply) => {
        const { venue, kind, count } = request.body as { venue: VenueId; kind: SimFault; count: number };
        if (!deps.simFault) return sendError(reply, ApiErrors.conflict, 'faults are injected into simulated venues: the daemon runs none (sim mode only)');
        if (!deps.simFault(venue, kind, count)) return sendError(reply, ApiErrors.notFound, `no simulated venue ${venue}`);
        deps.eventLog.append({ type: 'sim.fault-injected', data: { venue, kind, count } });
        return reply.code(202).send({ venue, kind, count });
      },
    );
    app.post(
      '/api/debug/order',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['intentId', 'instrument', 'side', 'type', 'qty'],
            properties: {
              intentId: { type: 'string', minLength: 1, maxLength: 64 },
              instrument: { type: 'string', minLength: 3 },
              side: { type: 'string', enum: ['buy', 'sell'] },
              type: { type: 'string', enum: ['market', 'limit'] },
              tif: { type: 'string', enum: ['GTC', 'IOC', 'FOK', 'POST_ONLY'] },
              qty: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
              price: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
              reduceOnly: { type: 'boolean' },
            },
          },
        },
      },
      async (request, reply) => {
        const ex = deps.execution;
        if (!ex) return sendError(reply, ApiErrors.conflict, 'nothing trades in this daemon (no venue runs)');
        const b = request.body as { intentId: string; instrument: string; side: 'buy' | 'sell'; type: 'market' | 'limit'; tif?: 'GTC'; qty: string; price?: string; reduceOnly?: boolean };
        const venue = b.instrument.slice(0, b.instrument.indexOf(':'));
        if (!(VENUE_IDS as readonly string[]).includes(venue)) return sendError(reply, ApiErrors.badRequest, `unknown venue in ${b.instrument}`);
        const cid = clientOrderId(venue as ClientIdVenue, { strategy: 'debug', intentId: b.intentId, leg: 0 });
        const outcome = ex.submit({ strategy: 'debug', leg: 0, ...b });
        // Answer once the intent is on disk (SUBMITTED) or refused, not when the venue answers.
        await Promise.race([ex.orders.decided(cid), outcome]);
        await deps.runtime.settle();
        return reply.code(202).send({ clientOrderId: cid, status: ex.orders.status(cid) });
      },
    );
  };
}
