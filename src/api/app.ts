/**
 * The HTTP API. `buildApp(deps)` wires routes and is testable with `app.inject`; listening is the
 * caller's business. Reads are open (the daemon binds to loopback by default); every POST needs the
 * bearer token.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Mode } from '../../machines/portfolio.machine.ts';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import type { EventLog } from '../runtime/eventLog.ts';
import { ApiErrors, sendError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { readRoutes } from './routes/read.ts';
import { controlRoutes } from './routes/control.ts';
import { debugRoutes } from './routes/debug.ts';
import { tradingRoutes } from './routes/trading.ts';
import type { ArbitrageService } from '../strategies/arbitrage/service.ts';
import type { FeatureService } from '../features/service.ts';
import type { NewsBoard } from '../features/news.ts';
import type { ScalperService } from '../strategies/scalper/service.ts';
import { scalperRoutes } from './routes/scalper.ts';
import type { UniverseService } from '../strategies/scalper/universeService.ts';
import type { ExecutionService } from '../execution/service.ts';
import { marketRoutes } from './routes/market.ts';
import type { MarketService } from '../market/service.ts';
import type { VenueId } from '../config/schema.ts';
import type { SimFault } from '../sim/protocolServer.ts';
import { attachStream } from './stream.ts';
import { webRoutes } from './routes/web.ts';
import { performanceRoutes } from './routes/performance.ts';
import { reportRoutes } from './routes/reports.ts';

export interface ConnectorHealth {
  readonly venue: string;
  readonly state: string;
  readonly lastMessageAgeMs: number | null;
}

export interface AppDeps {
  readonly runtime: ActorRuntime;
  readonly eventLog: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly token: string;
  readonly debugFaults: boolean;
  /** How many recent stream messages a newly connected client receives first. */
  readonly streamBacklog: number;
  readonly startedAt: number;
  readonly mode: () => Mode;
  readonly connectors: () => readonly ConnectorHealth[];
  /** Injects a fault into a simulated venue (sim mode with --debug-faults); false for an unknown venue. */
  readonly simFault?: (venue: VenueId, kind: SimFault, count: number) => boolean;
  /** Market data (absent when no venue runs). */
  readonly market?: MarketService;
  /** The retention job: GET /api/retention shows its last pass. */
  readonly retention?: { last(): unknown };
  /** The data dir (GET /api/performance reads its trade_audit.csv). */
  readonly dataDir?: string;
  /** Set while the daemon shuts down: health answers `down`. */
  readonly stopping?: () => boolean;
  /** Orders, portfolio and mode (absent when nothing trades). */
  readonly execution?: ExecutionService;
  readonly arbitrage?: ArbitrageService;
  /** Features, regimes and scores of the followed symbols, and the news flags (with how to save them). */
  readonly scalper?: {
    readonly features: FeatureService;
    readonly news: NewsBoard;
    saveNews(): Promise<void>;
    readonly signals?: ScalperService;
    /** The scalper's universe: each hot-list row's category. */
    readonly universe?: Pick<UniverseService, 'category' | 'member' | 'members' | 'excluded'>;
  };
}

/** Returns the configured (not yet listening) Fastify app. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Unknown keys are errors, not silently stripped (Fastify's default would remove them).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }) as unknown as FastifyInstance;

  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (err.validation) return sendError(reply, ApiErrors.badRequest, `invalid request: ${err.message}`);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, { status: err.statusCode, code: 'bad_request' }, err.message);
    }
    request.log.error({ err: err.message }, 'request failed');
    return sendError(reply, ApiErrors.internal, 'internal error (see the daemon log)');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, ApiErrors.notFound, `no route ${request.method} ${request.url}`));

  await app.register(readRoutes(deps));
  await app.register(controlRoutes(deps));
  await app.register(marketRoutes(deps));
  await app.register(performanceRoutes(deps));
  await app.register(reportRoutes(deps));
  if (deps.execution) await app.register(tradingRoutes(deps, deps.execution));
  if (deps.scalper) await app.register(scalperRoutes(deps, deps.scalper));
  if (deps.debugFaults) await app.register(debugRoutes(deps));
  await app.register(webRoutes());
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  attachStream(app, deps);
  return app;
}
