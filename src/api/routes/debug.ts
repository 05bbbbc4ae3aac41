/** Fault drills, registered only with `--debug-faults` (otherwise the routes do not exist: 404). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { requireToken } from '../auth.ts';
import { ApiErrors, sendError } from '../errors.ts';
import { SIM_FAULT_KINDS, VENUE_IDS, type VenueId } from '../../config/schema.ts';
import type { SimFault } from '../../sim/protocolServer.ts';

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
  };
}
