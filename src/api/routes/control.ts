/**
 * Mutations of the portfolio: kill switch, pause, resume, reset. Each answers only after the
 * portfolio's new state and its transition record are fsynced, so an acknowledged kill survives
 * a kill -9 of the daemon one instant later.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AnyEventObject } from 'xstate';
import type { AppDeps } from '../app.ts';
import { requireToken } from '../auth.ts';
import { ApiErrors, sendError } from '../errors.ts';

const reasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

/** Returns the plugin with the authenticated control routes. */
export function controlRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // onRequest: authentication comes before body validation, so a stranger learns nothing from a 400.
    app.addHook('onRequest', requireToken(deps.token));
    // A bodiless POST (curl -X POST) is an empty object, not a schema failure.
    app.addHook('preValidation', async (request) => {
      request.body ??= {};
    });

    const command = (
      build: (at: number, body: { reason?: string }, causationId: string) => AnyEventObject,
      accepted: (from: string, to: string) => boolean,
      refusal: (from: string) => string,
    ) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const body = (request.body ?? {}) as { reason?: string };
        const before = deps.runtime.snapshot('portfolio');
        if (!before || !deps.runtime.has('portfolio')) return sendError(reply, ApiErrors.unavailable, 'the portfolio actor is not running');
        const from = String(before.value);
        const causationId = `api:${deps.startedAt}:${request.id}`;
        if (!deps.runtime.send('portfolio', build(deps.clock.now(), body, causationId))) {
          return sendError(reply, ApiErrors.unavailable, 'the portfolio actor is restarting; try again');
        }
        await deps.runtime.settle();
        const to = String(deps.runtime.snapshot('portfolio')?.value);
        if (!accepted(from, to)) return sendError(reply, ApiErrors.conflict, refusal(from));
        return { portfolio: to, previous: from, causationId };
      };

    const optionalBody = { schema: { body: { ...reasonBody } } };

    app.post(
      '/api/kill-switch',
      optionalBody,
      command(
        (at, body, causationId) => ({ type: 'risk.kill', at, reason: body.reason ?? 'kill switch (API)', causationId }),
        // Idempotent: pulling the kill switch twice is still a success.
        (_from, to) => to === 'killed',
        (from) => `portfolio is ${from}; kill refused`,
      ),
    );
    app.post(
      '/api/pause',
      optionalBody,
      command(
        (at, _body, causationId) => ({ type: 'portfolio.pause', at, by: 'api', causationId }),
        (from, to) => from !== to && to === 'paused',
        (from) => `cannot pause: portfolio is ${from} (only normal can be paused)`,
      ),
    );
    app.post(
      '/api/resume',
      optionalBody,
      command(
        (at, _body, causationId) => ({ type: 'portfolio.resume', at, by: 'api', causationId }),
        (from, to) => from !== to && to === 'normal',
        (from) => `cannot resume: portfolio is ${from} (only paused resumes; killed and risk_off need /api/kill-switch/reset)`,
      ),
    );
    app.post(
      '/api/kill-switch/reset',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['confirm'],
            properties: { confirm: { type: 'string', const: 'RESET' }, reason: { type: 'string', maxLength: 500 } },
          },
        },
      },
      command(
        (at, _body, causationId) => ({ type: 'portfolio.reset', at, by: 'api', causationId }),
        (from, to) => (from === 'killed' || from === 'risk_off') && to === 'normal',
        (from) => `nothing to reset: portfolio is ${from}`,
      ),
    );
  };
}
