/** Bearer-token check for mutations: 401 without a token, 403 with a wrong one. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, sendError } from './errors.ts';

/** Returns a preHandler that admits only `Authorization: Bearer <token>`. */
export function requireToken(token: string) {
  const expected = Buffer.from(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      await sendError(reply, ApiErrors.unauthorized, 'missing Authorization: Bearer <token> (see <data-dir>/api-token)');
      return;
    }
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = Buffer.from(match?.[1]?.trim() ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await sendError(reply, ApiErrors.forbidden, 'wrong API token');
    }
  };
}
