/**
 * The composition root: opens the store and builds each service with just the dependencies it
 * uses (no base class that hands everything to everyone). The API, the CLI and tests all start here.
 */
import { type Clock, systemClock } from './core/clock.js';
import type { LeveeConfig } from './core/config.js';
import { createLogger, type Logger } from './core/logger.js';
import { GatewayAccessService } from './gateway/gateway-access.service.js';
import { GatewayService } from './gateway/gateway.service.js';
import { AuditQueryService } from './services/audit-query.service.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { CaseAnalysisService } from './services/case-analysis.service.js';
import { CaseEvents } from './services/case-events.js';
import { CaseService } from './services/case.service.js';
import { CaseTaskService } from './services/case-task.service.js';
import { DashboardService } from './services/dashboard.service.js';
import { isEmpty, seedDemoCity } from './services/demo-seed.js';
import { DisposalService } from './services/disposal.service.js';
import { DirectoryService } from './services/directory.service.js';
import { PersonService } from './services/person.service.js';
import { StatementImportService } from './services/statement-import.service.js';
import { openStore, type Store } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';

export interface LeveeContext {
  readonly config: LeveeConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly audit: AuditService;
  readonly auditQuery: AuditQueryService;
  readonly auth: AuthService;
  readonly directory: DirectoryService;
  readonly persons: PersonService;
  readonly dashboard: DashboardService;
  readonly cases: CaseService;
  readonly tasks: CaseTaskService;
  readonly analysis: CaseAnalysisService;
  readonly events: CaseEvents;
  readonly gateway: GatewayService;
  readonly gatewayAccess: GatewayAccessService;
  readonly disposal: DisposalService;
  readonly statements: StatementImportService;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  logger?: Logger;
  /** Apply migrations (and, in demo mode, seed an empty database) before returning. */
  prepare?: boolean;
  /** SQLite: checkpoint the WAL on a worker thread (long-running processes; see StoreOptions). */
  walCheckpointer?: boolean;
}

export async function createContext(
  config: LeveeConfig,
  options: ContextOptions = {},
): Promise<LeveeContext> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = openStore(config.databaseUrl, { walCheckpointer: options.walCheckpointer ?? false });
  const audit = new AuditService(store.capabilities, clock);
  const auth = new AuthService(store.db, audit, config, clock);
  const directory = new DirectoryService(store.db, audit, clock);
  const persons = new PersonService(store.db, audit, clock);
  const dashboard = new DashboardService(store.db, directory, clock, config.timeZone);
  const auditQuery = new AuditQueryService(store.db, audit, directory);
  const events = new CaseEvents();
  const cases = new CaseService(store.db, audit, clock, events);
  const tasks = new CaseTaskService(store.db, audit, clock, events, config.timeZone);
  const analysis = new CaseAnalysisService(store.db);
  const gateway = new GatewayService(store.db, store.capabilities, clock, logger);
  const gatewayAccess = new GatewayAccessService(store.db, gateway, audit, events, clock);
  const disposal = new DisposalService(store.db, gateway, analysis, audit, events, clock, logger);
  disposal.attach(cases);
  const statements = new StatementImportService(store.db, audit, clock, events, config.dataDir);
  const context: LeveeContext = {
    config,
    logger,
    clock,
    store,
    audit,
    auditQuery,
    auth,
    directory,
    persons,
    dashboard,
    cases,
    tasks,
    analysis,
    events,
    gateway,
    gatewayAccess,
    disposal,
    statements,
    close: () => store.close(),
  };
  if (options.prepare) {
    try {
      await migrateToLatest(store);
      if (config.demo && (await isEmpty(store.db))) {
        await seedDemoCity(store.db, directory, audit, clock);
        logger.info('demo city loaded');
      }
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return context;
}
