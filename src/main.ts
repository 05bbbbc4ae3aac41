/**
 * The composition root: opens the data dir, restores the actors, serves the API, follows the
 * config file, and on close flushes everything before releasing the LevelDB lock.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { InspectionEvent } from 'xstate';
import { SystemClock, type Clock } from './core/clock.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { secureToken } from './core/rng.ts';
import { ErrorCodes, FleetError, errorMessage } from './core/errors.ts';
import type { FleetConfig } from './config/schema.ts';
import { restartRequired } from './config/load.ts';
import { watchConfig, type ConfigWatcher } from './config/watch.ts';
import { portfolioMachine } from '../machines/portfolio.machine.ts';
import { openPersistence } from './runtime/persistence.ts';
import type { EventLog } from './runtime/eventLog.ts';
import { ActorRuntime, SUPERVISOR_ID } from './runtime/actorRuntime.ts';
import { buildApp } from './api/app.ts';
import { addArbitrageMetrics, createMetrics } from './api/metrics.ts';
import { MODES, VENUE_IDS, type Mode, type SimScenario, type VenueId } from './config/schema.ts';
import type { Instrument } from './model/instrument.ts';
import { SimCluster } from './sim/cluster.ts';
import { PUBLIC_ADAPTERS } from './adapters/registry.ts';
import { MarketService, type ActorHost } from './market/service.ts';
import { ExecutionService } from './execution/service.ts';
import { ArbitrageService } from './strategies/arbitrage/service.ts';
import { routeSpecs } from './strategies/arbitrage/routes.ts';
import { FeatureService } from './features/service.ts';
import { FeatureStore } from './features/featureStore.ts';
import { ScalperService } from './strategies/scalper/service.ts';
import { TradeAudit } from './execution/tradeAudit.ts';
import { UniverseService } from './strategies/scalper/universeService.ts';
import { NewsBoard } from './features/news.ts';
import { missingLiveKeys } from './execution/modeControl.ts';
import { simVenueFees } from './sim/venues/registry.ts';
import type { Store } from './runtime/store.ts';
import { startDaemonNotifier } from './notify/daemon.ts';
import { FrameRecorder, configWithoutSecrets } from './market/recorder.ts';
import { RetentionJob } from './runtime/retention.ts';
import { ReportScheduler } from './reports/scheduler.ts';

export interface DaemonOptions {
  /** The file's config (with env secrets applied); CLI overrides come separately. */
  readonly config: FleetConfig;
  readonly overrides?: { mode?: FleetConfig['mode']; host?: string; port?: number };
  readonly configPath?: string;
  readonly dataDir: string;
  readonly debugFaults?: boolean;
  /** `stately` (Stately's hosted inspector) or a ws:// URL of a Stately inspector server. */
  readonly inspect?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Sim mode: the simulator's seed and scenario (`--seed`, `--scenario`), over the config's `sim`. */
  readonly sim?: { readonly seed?: number; readonly scenario?: SimScenario };
  /**
   * A replay (src/replay): the same composition, fed by the caller instead of the venues. The
   * store is in memory, market data is never connected (the caller feeds `market.market`), no
   * simulator, API listener, config watcher or notifier runs, the universe refetches nothing, and
   * conflated ticks flush when the caller says (`schedule`), so the run is deterministic.
   */
  readonly replay?: { schedule(fn: () => void): void };
}

export interface Daemon {
  readonly url: string;
  readonly tokenSource: string;
  readonly runtime: ActorRuntime;
  readonly eventLog: EventLog;
  readonly app: FastifyInstance;
  readonly market: MarketService | undefined;
  /** Orders, ledger, risk and mode (absent when no venue runs). */
  readonly execution: ExecutionService | undefined;
  /** Cross-venue arbitrage (absent without routes). */
  readonly arbitrage: ArbitrageService | undefined;
  /** The in-process simulated venues (sim mode). */
  readonly sim: SimCluster | undefined;
  /** The retention job (its `last()` pass for the API). */
  readonly retention: RetentionJob;
  /** Flushes all state and the log, then releases the data dir. */
  close(): Promise<void>;
}

/** Returns the effective config: the file's, with command-line overrides on top. */
export function effectiveConfig(config: FleetConfig, o: DaemonOptions['overrides'] = {}): FleetConfig {
  return {
    ...config,
    mode: o.mode ?? config.mode,
    api: { host: o.host ?? config.api.host, port: o.port ?? config.api.port },
  };
}

/** Returns the API token and where it came from: FLEET_API_TOKEN, or `<data-dir>/api-token` (0600). */
export function loadOrCreateToken(dataDir: string, env: NodeJS.ProcessEnv): { token: string; source: string } {
  const fromEnv = env.FLEET_API_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'FLEET_API_TOKEN' };
  const path = join(dataDir, 'api-token');
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), source: path };
  const token = secureToken();
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { token, source: path };
}

async function statelyBridge(target: string, logger: Logger): Promise<{ observe: (ev: InspectionEvent) => void; stop: () => void }> {
  const mod = await import('@statelyai/inspect');
  const onerror = (e: Error): void => logger.warn({ err: e.message }, 'Stately inspector unreachable');
  const inspector = target === 'stately' ? mod.createSkyInspector({ onerror, autoStart: true }) : mod.createWebSocketInspector({ url: target });
  logger.info({ target }, 'bridging actor inspection to Stately');
  const observer = inspector.inspect as { next?: (ev: InspectionEvent) => void };
  return {
    observe: (ev) => {
      try {
        observer.next?.(ev);
      } catch (e) {
        logger.warn({ err: errorMessage(e) }, 'Stately inspector failed');
      }
    },
    stop: () => inspector.stop(),
  };
}

/** Starts the daemon and resolves once the API is listening. */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? new SystemClock();
  let fileConfig = opts.config;
  let config = effectiveConfig(fileConfig, opts.overrides);
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const { token, source: tokenSource } = loadOrCreateToken(dataDir, env);

  const replay = opts.replay;
  const persistence = await openPersistence(dataDir, clock, logger, config.persistence.flushIntervalMs, { memory: replay !== undefined });
  const { store, queue, eventLog } = persistence;
  const bridge = opts.inspect ? await statelyBridge(opts.inspect, logger) : undefined;
  const runtime = new ActorRuntime({
    clock,
    store,
    queue,
    eventLog,
    logger,
    policy: config.supervisor,
    recentTransitions: config.inspect.recentTransitions,
    ...(bridge ? { inspect: bridge.observe } : {}),
  });
  const startedAt = clock.now();
  await eventLog.appendDurable({ type: 'daemon.started', data: { mode: config.mode, ...(replay ? { replay: true } : { pid: process.pid }), resumedAfterSeq: eventLog.lastSeq } });
  await runtime.start();
  // Old records and recordings are pruned in batches on the clock, between trading's own writes.
  const retention = new RetentionJob({ clock, logger: logger.child({ component: 'retention' }), store, eventLog, dataDir, options: () => config.retention });
  // A replay keeps everything it produced (its store is in memory and gone at the end).
  if (!replay) retention.start();
  await runtime.spawnAll([
    {
      id: 'portfolio',
      spec: {
        kind: 'portfolio',
        logic: portfolioMachine,
        durable: true,
        input: { mode: config.mode },
        // Not knowing whether the kill switch was pulled, start refusing new risk.
        onUnreadableSnapshot: (reason, at) => [{ type: 'risk.escalate', at, reason }],
      },
    },
  ]);
  // The mode: the command line's, else one switched through the API (kept while the file's mode
  // is the one it was switched from), else the file's.
  const savedMode = await readSavedMode(store);
  const mode: Mode = opts.overrides?.mode ?? (savedMode && savedMode.base === fileConfig.mode ? savedMode.mode : fileConfig.mode);
  if (mode !== config.mode) {
    logger.info({ mode, file: fileConfig.mode }, 'mode switched through the API before the restart is kept');
    config = { ...config, mode };
  }
  if (mode === 'live') {
    const missing = missingLiveKeys(config.venues);
    if (missing.length) {
      await retention.stop();
      await runtime.stop();
      await persistence.close();
      throw new FleetError(ErrorCodes.CONFIG_INVALID, `mode live needs API keys: ${missing.join('; ')}`);
    }
  }
  runtime.send('portfolio', { type: 'portfolio.mode', mode: config.mode });

  // Sim mode: the simulated venues start in-process on free ports and every enabled venue is
  // pointed at its simulated twin (a venue the config points elsewhere is pointed at the simulator too).
  let sim: SimCluster | undefined;
  const simVenues = VENUE_IDS.filter((v) => config.venues[v]?.enabled);
  if (config.mode === 'sim' && simVenues.length > 0 && !replay) {
    const seed = opts.sim?.seed ?? config.sim.seed;
    const scenario = opts.sim?.scenario ?? config.sim.scenario;
    sim = new SimCluster({ seed, scenario, clock, stepMs: config.sim.stepMs, startingBalance: config.sim.startingBalance, latencyMs: config.sim.latencyMs, venues: simVenues });
    await sim.listen();
    config = sim.configure(config);
    sim.run();
    for (const f of config.sim.faults) clock.setTimeout(() => sim?.inject(f.venue, f.kind, f.count), f.afterMs);
    logger.info({ seed, scenario, venues: sim.endpoints().map((e) => `${e.venue} ${e.wsUrl}`) }, 'simulated venues started');
    await eventLog.appendDurable({ type: 'sim.started', data: { seed, scenario, venues: sim.endpoints().map((e) => ({ venue: e.venue, ws: e.wsUrl, rest: e.restUrl })) } });
  }
  const venues = marketVenues(config);
  // The raw frames, kept for `fleet replay --from-log` when asked (pruned by the retention job).
  const recorder = config.market.recordFrames && !replay && venues.length
    ? new FrameRecorder({ clock, dir: join(dataDir, 'recordings'), header: { mode: config.mode, venues, config: configWithoutSecrets(config) } })
    : undefined;
  const market = venues.length
    ? new MarketService({
        config,
        venues,
        adapters: PUBLIC_ADAPTERS,
        clock,
        logger,
        host: runtimeHost(runtime),
        log: (type, actor, data) => eventLog.append({ type, ...(actor ? { actor } : {}), data }),
        escalate: (reason) => runtime.send('portfolio', { type: 'risk.escalate', at: clock.now(), reason }),
        // Paper adapters are built from the instruments a venue actually trades.
        onInstruments: (venue, list) => {
          recorder?.instrumentsLoaded(venue, list);
          execution?.instrumentsLoaded(venue, list);
        },
        ...(recorder ? { tap: (rec: Parameters<FrameRecorder['tap']>[0]) => recorder.tap(rec) } : {}),
        ...(replay ? { schedule: replay.schedule } : {}),
      })
    : undefined;

  const execution = market
    ? new ExecutionService({
        config,
        clock,
        logger,
        runtime,
        eventLog,
        store,
        market,
        pin: env.FLEET_LIVE_PIN?.trim() || undefined,
        mode: config.mode,
        fallbackFees: (v) => simVenueFees(v),
        onModeChanged: (next) => saveMode(store, next, fileConfig.mode),
      })
    : undefined;
  await execution?.start();
  // The trade audit: one file, one handle, written by both strategies, open while they run.
  const audit = execution ? TradeAudit.open(join(dataDir, 'trade_audit.csv')) : undefined;
  // Notifications (kill switch, risk-off, orphaned legs, integrity, daily summary) follow the
  // committed event log and send in the background: they never hold up trading.
  const notifier = replay ? undefined : startDaemonNotifier({
    config: config.notify,
    clock,
    logger,
    eventLog,
    runtime,
    dataDir,
    numbers: () => execution?.numbers(),
    mode: () => execution?.mode ?? config.mode,
    dailyLossLimit: () => config.risk.dailyLossLimit,
  });
  // Arbitrage trades where orders can be placed; its routes are checked now (a bad one exits 2).
  const arbitrage = market && execution && audit && routeSpecs(config).length > 0
    ? new ArbitrageService({ config, clock, logger: logger.child({ component: 'arbitrage' }), runtime, eventLog, store, audit, market, execution })
    : undefined;
  await arbitrage?.start();

  // Features, regimes and scores of every followed symbol; news flags set over the API survive restarts.
  const news = await loadNews(store, logger);
  // The scalper's universe (built below, once the features exist): the features read each
  // symbol's book to its category's depth.
  let universe: UniverseService | undefined;
  const features = market
    ? new FeatureService({
        market: market.market,
        clock,
        news,
        fees: (inst) => config.venues[inst.venue]?.fees ?? simVenueFees(inst.venue),
        leverage: config.execution.leverage,
        depthOf: (id) => universe?.member(id)?.depth,
        log: (type, actor, data) => eventLog.append({ type, actor, data }),
      })
    : undefined;
  // Each symbol's latest readings and a short history, written behind to disk; the ones saved before
  // a restart show (stale) on /api/symbol until fresh ones replace them, and never reach trading.
  const featureStore = features ? new FeatureStore({ db: store.features, clock, logger: logger.child({ component: 'features' }), source: features }) : undefined;
  if (features && featureStore) {
    await featureStore.load();
    features.attachArchive(featureStore);
    featureStore.start();
  }
  features?.start();
  universe =
    features && market && config.scalper.enabled
      ? new UniverseService({
          clock,
          logger: logger.child({ component: 'universe' }),
          options: config.scalper.universe,
          depths: { prime: config.scalper.categories.prime.depth, normal: config.scalper.categories.normal.depth, wild: config.scalper.categories.wild.depth },
          venues,
          feeds: market.market.feeds,
          instrument: (id) => market.market.registry.get(id),
          view: (id) => features.reading(id)?.view,
          read$: features.read$,
          // A replay's instruments are the recording's: nothing is fetched.
          refresh: (venue) => (replay ? Promise.resolve({ added: [], removed: [] }) : market.refreshInstruments(venue)),
          forget: (id) => features.forget(id),
          store: { get: (k) => store.meta.get(k), put: (k, v) => store.meta.put(k, v) },
          log: (type, data) => eventLog.append({ type, data }),
        })
      : undefined;
  await universe?.start();
  const signals = features
    ? new ScalperService({
        config: () => config,
        clock,
        logger: logger.child({ component: 'scalper' }),
        runtime,
        eventLog,
        store,
        ...(audit ? { audit } : {}),
        features,
        ...(universe ? { universe } : {}),
        ...(execution
          ? {
              execution: {
                orders: execution.orders,
                openBlock: (inst: Instrument) => execution.openBlock(inst),
                positionQty: (id: string) => Number(execution.ledger.position(id)?.qty ?? 0),
              },
            }
          : {}),
        instrument: (id) => market?.market.registry.get(id),
        touch: (id) => {
          const sync = market?.market.tradableBook(id);
          const inst = market?.market.registry.get(id);
          if (!sync || !inst || sync.book.bids.size === 0 || sync.book.asks.size === 0) return undefined;
          return { bid: inst.price.toNumber(sync.book.bids.best()), ask: inst.price.toNumber(sync.book.asks.best()) };
        },
        reserved: () => arbitrage?.legs() ?? new Set<string>(),
        mode: () => execution?.mode ?? config.mode,
        // SIGNAL mode trades nothing: sizes are suggested on the paper balance when the ledger is empty.
        equity: () => Number(execution?.numbers().equity ?? 0) || config.execution.paperStartingBalance,
        escalate: (reason) => runtime.send('portfolio', { type: 'risk.escalate', at: clock.now(), reason }),
      })
    : undefined;
  await signals?.start();
  const scalper = features ? { features, news, saveNews: () => store.meta.put(NEWS_KEY, JSON.stringify(news.toJSON())), ...(signals ? { signals } : {}), ...(universe ? { universe } : {}) } : undefined;
  // Daily and weekly reports under <data-dir>/reports/, from the trade audit and the scalper's
  // closed signals; missed periods are written now, the next ones on the clock.
  const reports = config.reports.enabled && !replay
    ? new ReportScheduler({
        clock,
        dataDir,
        dailyUtcHour: config.reports.dailyUtcHour,
        ...(signals ? { signals: () => signals.tracker.closed(), generated: () => signals.generatedSignals() } : {}),
        ...(arbitrage ? { spreads: () => arbitrage.routesView().map((r) => ({ route: r.id, points: r.spreads })) } : {}),
        log: (type, data) => void eventLog.append({ type, data }),
        logger: logger.child({ component: 'reports' }),
      })
    : undefined;
  try {
    reports?.start();
  } catch (e) {
    // A report that cannot be written must not keep the daemon from trading.
    logger.error({ err: errorMessage(e) }, 'reports could not start');
  }

  let stopping = false;
  const metrics = createMetrics(runtime, eventLog, () => clock.now());
  if (arbitrage) addArbitrageMetrics(metrics.registry, () => arbitrage.summary());
  const app = await buildApp({
    runtime,
    eventLog,
    clock,
    logger,
    metrics,
    token,
    debugFaults: opts.debugFaults ?? false,
    streamBacklog: config.inspect.streamBuffer,
    startedAt,
    dataDir,
    retention,
    mode: () => execution?.mode ?? config.mode,
    connectors: () => market?.health() ?? [],
    stopping: () => stopping,
    ...(market ? { market } : {}),
    ...(execution ? { execution } : {}),
    ...(arbitrage ? { arbitrage } : {}),
    ...(scalper ? { scalper } : {}),
    ...(sim && opts.debugFaults ? { simFault: (venue: VenueId, kind: Parameters<SimCluster['inject']>[1], count: number) => sim!.inject(venue, kind, count) } : {}),
  });
  const address = replay ? '' : await app.listen({ host: config.api.host, port: config.api.port });
  const url = address.replace('[::1]', '127.0.0.1');
  const daemonFile = join(dataDir, 'daemon.json');
  if (!replay) writeFileSync(daemonFile, JSON.stringify({ pid: process.pid, url, startedAt }) + '\n');
  logger.info({ url, dataDir, mode: config.mode, lastSeq: eventLog.lastSeq }, 'fleet daemon started');
  // Venues connect in the background: an unreachable venue must not keep the API from answering.
  if (!replay) void market?.start().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'market data failed to start'));

  // Reload callbacks run from a clock timer: an exception there must be logged, not kill the daemon.
  const guarded = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      logger.error({ err: errorMessage(e) }, 'applying a config change failed');
    }
  };
  let watcher: ConfigWatcher | undefined;
  if (opts.configPath && !replay) {
    watcher = watchConfig(opts.configPath, {
      clock,
      env,
      current: () => fileConfig,
      onApplied: (next, changed) =>
        guarded(() => {
          fileConfig = next;
          // Mode and listen address stay what the daemon runs with until a restart (mode
          // changes go through POST /api/mode with its safeguards).
          const reloaded = { ...effectiveConfig(next, opts.overrides), mode: config.mode, api: config.api };
          config = sim ? sim.configure(reloaded) : reloaded;
          queue.flushIntervalMs = config.persistence.flushIntervalMs;
          arbitrage?.reconfigure(config);
          signals?.reconfigure();
          logger.level = config.log.level;
          runtime.send(SUPERVISOR_ID, { type: 'supervisor.configure', policy: config.supervisor });
          const needRestart = restartRequired(changed);
          eventLog.append({ type: 'config.reloaded', data: { changed, restartRequired: needRestart } });
          logger.info({ changed, restartRequired: needRestart }, 'config reloaded');
        }),
      onRejected: (err) =>
        guarded(() => {
          eventLog.append({ type: 'config.rejected', data: { issues: err.issues } });
          logger.warn({ issues: err.issues }, 'config change refused; the previous config stays in force');
        }),
    });
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopping = true;
      await retention.stop();
      watcher?.close();
      bridge?.stop();
      reports?.stop();
      await signals?.stop();
      await universe?.stop();
      features?.stop();
      await featureStore?.stop();
      await arbitrage?.stop();
      audit?.close();
      await execution?.stop();
      await notifier?.stop();
      market?.stop();
      await recorder?.close();
      await sim?.close();
      await app.close();
      await runtime.stop();
      await eventLog.appendDurable({ type: 'daemon.stopped' });
      await persistence.close();
      rmSync(daemonFile, { force: true });
      logger.info('fleet daemon stopped; state flushed');
    })());

  return { url, tokenSource, runtime, eventLog, app, market, execution, arbitrage, sim, retention, close };
}

/**
 * Returns the venues whose market data runs: every enabled venue in dry, live and signal mode; in
 * sim mode only venues pointed at a URL (a local or simulated venue), never the real ones.
 */
export function marketVenues(config: FleetConfig): VenueId[] {
  return VENUE_IDS.filter((v) => {
    const vc = config.venues[v];
    if (!vc?.enabled) return false;
    return config.mode !== 'sim' || vc.wsUrl !== undefined;
  });
}

const MODE_KEY = 'mode';
const NEWS_KEY = 'news';

/** Returns the news flags saved before the restart; an unreadable record is reported and the board starts empty. */
async function loadNews(store: Store, logger: Logger): Promise<NewsBoard> {
  const raw = await store.meta.get(NEWS_KEY);
  if (raw === undefined) return new NewsBoard();
  try {
    return NewsBoard.from(JSON.parse(raw));
  } catch (e) {
    logger.error({ err: errorMessage(e) }, 'saved news flags unreadable; starting with none');
    return new NewsBoard();
  }
}

/** The mode last switched through the API and the file mode it was switched from. */
async function readSavedMode(store: Store): Promise<{ mode: Mode; base: Mode } | undefined> {
  const raw = await store.meta.get(MODE_KEY);
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as { mode?: unknown; base?: unknown };
    if (MODES.includes(v.mode as Mode) && MODES.includes(v.base as Mode)) return { mode: v.mode as Mode, base: v.base as Mode };
  } catch {
    // an unreadable record is no switch at all
  }
  return undefined;
}

async function saveMode(store: Store, mode: Mode, base: Mode): Promise<void> {
  await store.meta.put(MODE_KEY, JSON.stringify({ mode, base }));
}

/** Hosts connector actors in the supervised runtime (not durable: a restore reconnects anyway). */
function runtimeHost(runtime: ActorRuntime): ActorHost {
  return {
    spawn: (id, logic, input) => runtime.spawnAll([{ id, spec: { kind: 'connector', logic, durable: false, input } }]),
    send: (id, ev) => void runtime.send(id, ev),
    state: (id) => runtime.list().find((a) => a.id === id)?.state,
  };
}
