/** The API's error answers, collected in one place: `{ error: <code>, message }`. */
import type { FastifyReply } from 'fastify';

export const ApiErrors = {
  unauthorized: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'forbidden' },
  notFound: { status: 404, code: 'not_found' },
  badRequest: { status: 400, code: 'bad_request' },
  conflict: { status: 409, code: 'conflict' },
  unavailable: { status: 503, code: 'unavailable' },
  internal: { status: 500, code: 'internal' },
} as const satisfies Record<string, ApiError>;

export interface ApiError {
  readonly status: number;
  readonly code: string;
}

/** Sends a JSON error answer. */
export function sendError(reply: FastifyReply, err: ApiError, message: string): FastifyReply {
  return reply.code(err.status).send({ error: err.code, message });
}
