/**
 * The database connector: the only place that knows SQLite from PostgreSQL (Backstage's habit).
 * Code elsewhere asks `store.capabilities` instead of testing the dialect name.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import pg from 'pg';
import { LeveeError } from '../core/errors.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Capabilities {
  readonly dialect: DialectName;
  /** Column type for an auto-generated integer primary key. */
  readonly autoIdType: string;
  /** Row locks (`SELECT … FOR UPDATE`); SQLite serialises writers instead. */
  readonly rowLocks: boolean;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** Connection string with any password removed, for logs. */
  readonly displayUrl: string;
  close(): Promise<void>;
}

// COUNT(*) and bigint come back from pg as strings; every id and count here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface StoreOptions {
  /**
   * SQLite file databases: checkpoint the WAL on a worker thread instead of in whichever commit
   * passes 1,000 pages (that commit then waited, on the event loop, for the checkpoint's writes and
   * fsyncs: up to 12 ms at 2,000 gateway requests a second). For long-running processes (`levee
   * serve`, `levee gateway worker`); ignored for `:memory:` and PostgreSQL.
   */
  readonly walCheckpointer?: boolean;
}

export function openStore(databaseUrl: string, options: StoreOptions = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length), options);
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl);
  throw new LeveeError(
    'LEVEE_CONFIG',
    `unsupported database URL "${databaseUrl}": use sqlite:<path> or postgres://…`,
  );
}

function openSqlite(path: string, options: StoreOptions): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const checkpointer =
    options.walCheckpointer && path !== ':memory:' ? startCheckpointer(sqlite, path) : undefined;
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return {
    db,
    capabilities: { dialect: 'sqlite', autoIdType: 'integer primary key autoincrement', rowLocks: false },
    displayUrl: `sqlite:${path}`,
    close: async () => {
      // The checkpointer's connection closes first: the last one to close checkpoints what is
      // left and removes the WAL.
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Kysely's SQLite dialect with transactions that begin IMMEDIATE: a transaction takes the write
 * lock when it begins, waiting for it (busy_timeout) while another process writes. A deferred
 * transaction that reads first and writes after another process has committed fails at its first
 * write with SQLITE_BUSY_SNAPSHOT, at once and without waiting — what happened to enqueues (they
 * look up institutions first) beside a `levee gateway worker` on the same file. Within one
 * process it changes nothing: Kysely runs one query at a time on SQLite's one connection.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.settings);
  }
}

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** How often the checkpointer copies committed pages from the WAL into the database file, ms. */
const CHECKPOINT_EVERY_MS = 250;
/** The WAL file is cut back to this when it restarts (it keeps its largest size otherwise). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * The checkpointer: a worker thread with its own connection to the same file running
 * `wal_checkpoint(PASSIVE)` every CHECKPOINT_EVERY_MS. PASSIVE takes no lock a writer waits for:
 * it copies what no reader still needs and leaves the rest for the next round, and a commit
 * appends to the WAL meanwhile. Once everything is copied the next commit starts the WAL over
 * from its beginning (SQLite does that by itself), so the file does not grow without bound. The
 * store's own connection stops checkpointing (`wal_autocheckpoint = 0`) and takes it up again if
 * the thread fails. The thread is a script evaluated in place: it also runs from the TypeScript
 * sources (tests), where no compiled file sits next to this one.
 */
function startCheckpointer(sqlite: BetterSqlite3.Database, path: string): { stop(): Promise<void> } {
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  const worker = new Worker(CHECKPOINT_SCRIPT, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  // Not a reason to keep the process alive; a failed thread hands checkpoints back to commits.
  worker.unref();
  let stopped = false;
  const fallBack = () => {
    if (!stopped && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      // Referenced while it closes: a process with nothing else to do would otherwise exit
      // without waiting for it (and leave a caller's `await close()` unsettled).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

const CHECKPOINT_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
// A PASSIVE checkpoint never waits; a busy one (another process checkpointing) is retried next round.
db.pragma('busy_timeout = 0');
const round = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY or a database going away: the next round (or the store's close) settles it.
  }
};
const timer = setInterval(round, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Kysely prepares every query afresh; on SQLite preparing costs about as much as running a small
 * statement. Keep the most recently used prepared statements by SQL text (SQLite re-prepares a
 * statement by itself after a schema change). Kysely's SQLite driver runs one query at a time, so
 * a cached statement is idle whenever it is handed out again; one still iterating (a streamed
 * query) is not reused: a fresh one is prepared instead.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 512): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // Most recently used last: a Map iterates in insertion order.
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = sqlite.prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Distinct statements a PostgreSQL connection keeps prepared (the rest are parsed and planned each time). */
const PREPARED_PER_CONNECTION = 512;
/** Longer texts are never prepared (nor remembered): what a connection keeps stays a few MB at most. */
const PREPARED_TEXT_MAX = 16_384;
/** Server errors after which a prepared statement cannot run again: its plan's result type changed; it is gone. */
const BROKEN_STATEMENT = new Set(['0A000', '26000']);

/**
 * A PostgreSQL connection that keeps the statements it runs again prepared, as SQLite's
 * statement cache does: Kysely sends every query as unnamed text, which the server parses and
 * plans afresh each time — a quarter of its work on the gateway's short statements (the outbox
 * bench: 540 → 433 µs of wall time a request). A text is prepared under a name at its second run
 * on this connection, while fewer than PREPARED_PER_CONNECTION are, so one-off texts (an `in`
 * list of a new length) neither pay for it nor fill the server's memory. Only texts with
 * parameters: the others are transaction control, DDL or scripts of several statements, which
 * the extended protocol's named statements cannot carry.
 *
 * The server re-plans a prepared statement by itself when a table it reads changes or gets new
 * statistics (ANALYZE), but refuses one whose result columns changed ("cached plan must not
 * change result type"): texts with a `*` (`select *`, `returning *`, whose columns grow when a
 * newer Levee migrates the schema under a running one) are never prepared. A statement that
 * fails that way, or that pg could not send (a value it cannot serialise; pg then closes the
 * statement but still takes it for prepared), is retired: its name is never used again and its
 * text runs unnamed from then on. Other errors (a constraint, bad data) leave it prepared.
 */
class PreparingClient extends pg.Client {
  /** Texts run on this connection: their statement's name once prepared, null after one run, false once retired. */
  private readonly seen = new Map<string, string | null | false>();
  private prepared = 0;

  // pg's `query` is overloaded; this override only names Kysely's (text, values) calls, promise form.
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    if (
      typeof config === 'string' &&
      callback === undefined &&
      Array.isArray(values) &&
      values.length > 0 &&
      config.length <= PREPARED_TEXT_MAX &&
      !config.includes('*')
    ) {
      const name = this.nameOf(config);
      if (name)
        return (super.query({ name, text: config, values }) as Promise<unknown>).catch((error: unknown) => {
          this.retireIfBroken(config, name, error);
          throw error;
        }) as never;
    }
    return super.query(config as never, values as never, callback as never) as never;
  }

  private nameOf(text: string): string | undefined {
    const known = this.seen.get(text);
    if (known) return known;
    if (known === false) return undefined;
    if (known === undefined) {
      // First run: remembered, not yet prepared. When the one-off texts fill the map they are
      // forgotten together, so a statement that turns hot late still gets its second run seen.
      if (this.seen.size >= 4 * PREPARED_PER_CONNECTION)
        for (const [seenText, name] of this.seen) if (name === null) this.seen.delete(seenText);
      this.seen.set(text, null);
      return undefined;
    }
    if (this.prepared >= PREPARED_PER_CONNECTION) return undefined;
    const name = `levee_${this.prepared++}`;
    this.seen.set(text, name);
    return name;
  }

  /** A client-side failure has no SQLSTATE; a server one has its code. */
  private retireIfBroken(text: string, name: string, error: unknown): void {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && !BROKEN_STATEMENT.has(code)) return;
    this.seen.set(text, false);
    // pg's own record, so that nothing takes the name for prepared (the server may still hold it:
    // left there, never used; a connection retires few statements).
    const connection = (this as unknown as { connection: { parsedStatements: Record<string, string> } })
      .connection;
    delete connection.parsedStatements[name];
  }
}

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10, Client: PreparingClient });
  // An idle connection the server closed (restart, failover, a dropped database) is discarded by
  // the pool and replaced at the next checkout; the next query reports a real outage. Without a
  // listener, Node would turn that idle error into a crash of the whole process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    capabilities: {
      dialect: 'postgres',
      autoIdType: 'integer generated by default as identity primary key',
      rowLocks: true,
    },
    displayUrl: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    close: () => db.destroy(),
  };
}
