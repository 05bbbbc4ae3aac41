/**
 * What the scalper reads, as the operator sees it: GET /api/hotlist (every followed symbol with
 * its universe category, regime, pump phase, spoofing, news and both scores, best first), GET /api/signals and
 * /api/signals/report (SIGNAL mode's signals and their outcomes), and the news flags the
 * operator sets until a feed exists: GET /api/news, POST /api/news, POST /api/news/:id/clear.
 * Mutations need the token; a bad flag is a 400 saying why.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { requireToken } from '../auth.ts';
import { ApiErrors, sendError } from '../errors.ts';
import { NEWS_IMPACTS } from '../../features/news.ts';
import { hotlistView } from '../views.ts';
import type { NewsImpact } from '../../features/types.ts';

const newsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'impact', 'type'],
  properties: {
    scope: { type: 'string', minLength: 1, maxLength: 200 },
    impact: { type: 'string', enum: [...NEWS_IMPACTS] },
    type: { type: 'string', minLength: 1, maxLength: 100 },
    at: { type: 'integer', minimum: 0 },
    until: { type: 'integer', minimum: 0 },
    durationMs: { type: 'integer', minimum: 1 },
  },
} as const;

/** Default life of a news flag without `until` or `durationMs`: one hour. */
const DEFAULT_NEWS_MS = 3_600_000;

/** Returns the plugin with the hot list, signals and news routes. */
export function scalperRoutes(deps: AppDeps, s: NonNullable<AppDeps['scalper']>): FastifyPluginAsync {
  const { features, news, saveNews } = s;
  return async (app: FastifyInstance) => {
    app.get('/api/signals', async () => s.signals?.signals() ?? { open: [], closed: [] });

    app.get('/api/signals/report', async () => s.signals?.report() ?? null);

    app.get('/api/scalper', async () => s.signals?.scalps() ?? { active: [], closed: [] });

    // One snapshot per row (not a scan of every actor per row); the category is the universe's.
    app.get('/api/hotlist', async () => hotlistView(deps));

    app.get('/api/news', async () => news.active(deps.clock.now()));

    await app.register(async (authed) => {
      authed.addHook('onRequest', requireToken(deps.token));
      authed.post('/api/news', { schema: { body: newsBody } }, async (request, reply) => {
        const b = request.body as { scope: string; impact: NewsImpact; type: string; at?: number; until?: number; durationMs?: number };
        const at = b.at ?? deps.clock.now();
        try {
          const flag = news.set({ scope: b.scope, impact: b.impact, type: b.type, at, until: b.until ?? at + (b.durationMs ?? DEFAULT_NEWS_MS) });
          await saveNews();
          deps.eventLog.append({ type: 'news.flagged', data: { ...flag } });
          return reply.code(201).send(flag);
        } catch (e) {
          if (e instanceof RangeError) return sendError(reply, ApiErrors.badRequest, e.message);
          throw e;
        }
      });
      authed.post('/api/news/:id/clear', async (request, reply) => {
        const { id } = request.params as { id: string };
        if (!news.clear(id)) return sendError(reply, ApiErrors.notFound, `no news flag ${id}`);
        await saveNews();
        deps.eventLog.append({ type: 'news.cleared', data: { id } });
        return { cleared: id };
      });
    });
  };
}
