/**
 * Configuration is read from the environment once, validated, and frozen into a typed object
 * (Immich's habit). A bad value fails loudly, naming the variable. Every variable is listed in
 * CONFIG_VARIABLES with its default and meaning; docs/configuration.md is checked against it.
 */
import { resolve } from 'node:path';
import { LeveeError } from './errors.js';

export interface LeveeConfig {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly demo: boolean;
  readonly sessionTtlMinutes: number;
  readonly sessionIdleMinutes: number;
  readonly cookieSecure: boolean;
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
  readonly bodyLimitBytes: number;
  readonly timeZone: string;
  readonly natsUrl: string | undefined;
  readonly gatewayDispatch: 'auto' | 'true' | 'false';
  readonly natsStream: string;
  readonly webDir: string | undefined;
}

interface VariableSpec {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const CONFIG_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'LEVEE_DATABASE_URL',
    default: 'sqlite:<LEVEE_DATA_DIR>/levee.db',
    description: 'sqlite:<path> (embedded, default) or postgres://user@host:port/db',
  },
  {
    name: 'LEVEE_DATA_DIR',
    default: './data',
    description: 'Folder for the embedded database and stored files; created on first start',
  },
  { name: 'LEVEE_HOST', default: '127.0.0.1', description: 'Address the HTTP server listens on' },
  {
    name: 'LEVEE_PORT',
    default: '8080',
    description: 'Port the HTTP server listens on (0 picks a free one)',
  },
  {
    name: 'LEVEE_LOG_LEVEL',
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent',
  },
  {
    name: 'LEVEE_DEMO',
    default: 'false',
    description: 'Demo mode: seeded demo users keep their printed passwords',
  },
  {
    name: 'LEVEE_SESSION_TTL_MINUTES',
    default: '480',
    description: 'A session ends this long after login, whatever happens',
  },
  {
    name: 'LEVEE_SESSION_IDLE_MINUTES',
    default: '60',
    description: 'A session ends after this long without a request',
  },
  {
    name: 'LEVEE_COOKIE_SECURE',
    default: 'false',
    description: 'Mark cookies Secure (set true behind HTTPS)',
  },
  {
    name: 'LEVEE_LOGIN_MAX_FAILURES',
    default: '5',
    description: 'Failed logins for one user name before it is locked for a while',
  },
  {
    name: 'LEVEE_LOGIN_LOCK_MINUTES',
    default: '15',
    description: 'How long a throttled user name stays locked',
  },
  { name: 'LEVEE_BODY_LIMIT_BYTES', default: '1048576', description: 'Largest accepted JSON request body' },
  {
    name: 'LEVEE_TIME_ZONE',
    default: 'Asia/Shanghai',
    description: 'Time zone for display; storage is always UTC',
  },
  {
    name: 'LEVEE_NATS_URL',
    default: '',
    description:
      'nats://host:port of a JetStream server to spread work over processes; in-process when empty',
  },
  {
    name: 'LEVEE_GATEWAY_DISPATCH',
    default: 'auto',
    description: 'Send the outbox from this process: auto (yes unless LEVEE_NATS_URL is set), true or false',
  },
  {
    name: 'LEVEE_NATS_STREAM',
    default: 'LEVEE_GATEWAY',
    description: 'JetStream stream of this installation (its subject and worker consumer are named after it)',
  },
  {
    name: 'LEVEE_WEB_DIR',
    default: '<package>/dist/web',
    description: 'Folder of the built console served at /',
  },
  {
    name: 'LEVEE_REPORT_FONT',
    default: '<@expo-google-fonts/noto-sans-sc>',
    description:
      'CJK font embedded in PDF reports: a .ttf/.otf file, or <file.ttc>#<face name>; default the font package the project installs',
  },
];

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw))
    throw new LeveeError('LEVEE_CONFIG', `${name} must be a whole number, got "${raw}"`, { field: name });
  const value = Number(raw);
  if (value < min || value > max)
    throw new LeveeError('LEVEE_CONFIG', `${name} must be between ${min} and ${max}, got ${value}`, {
      field: name,
    });
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new LeveeError('LEVEE_CONFIG', `${name} must be true or false, got "${raw}"`, { field: name });
}

function enumVar<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new LeveeError('LEVEE_CONFIG', `${name} must be one of ${allowed.join(', ')}, got "${raw}"`, {
      field: name,
    });
  }
  return raw as T;
}

function streamName(value: string): string {
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(value)) {
    throw new LeveeError('LEVEE_CONFIG', `LEVEE_NATS_STREAM must be capitals, digits and _, got "${value}"`, {
      field: 'LEVEE_NATS_STREAM',
    });
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, overrides: Partial<LeveeConfig> = {}): LeveeConfig {
  const dataDir = resolve(env['LEVEE_DATA_DIR'] || './data');
  const databaseUrl = env['LEVEE_DATABASE_URL'] || `sqlite:${resolve(dataDir, 'levee.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new LeveeError(
      'LEVEE_CONFIG',
      `LEVEE_DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl}"`,
      { field: 'LEVEE_DATABASE_URL' },
    );
  }
  const logLevel = (env['LEVEE_LOG_LEVEL'] || 'info') as LeveeConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new LeveeError(
      'LEVEE_CONFIG',
      `LEVEE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
      { field: 'LEVEE_LOG_LEVEL' },
    );
  }
  const natsUrl = env['LEVEE_NATS_URL'] || undefined;
  if (natsUrl !== undefined && !/^(nats|tls):\/\//.test(natsUrl)) {
    throw new LeveeError('LEVEE_CONFIG', `LEVEE_NATS_URL must start with nats://, got "${natsUrl}"`, {
      field: 'LEVEE_NATS_URL',
    });
  }
  const timeZone = env['LEVEE_TIME_ZONE'] || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new LeveeError('LEVEE_CONFIG', `LEVEE_TIME_ZONE is not a known IANA time zone: "${timeZone}"`, {
      field: 'LEVEE_TIME_ZONE',
    });
  }
  const config: LeveeConfig = {
    databaseUrl,
    dataDir,
    host: env['LEVEE_HOST'] || '127.0.0.1',
    port: intVar(env, 'LEVEE_PORT', 8080, 0, 65535),
    logLevel,
    demo: boolVar(env, 'LEVEE_DEMO', false),
    sessionTtlMinutes: intVar(env, 'LEVEE_SESSION_TTL_MINUTES', 480, 1, 60 * 24 * 30),
    sessionIdleMinutes: intVar(env, 'LEVEE_SESSION_IDLE_MINUTES', 60, 1, 60 * 24 * 30),
    cookieSecure: boolVar(env, 'LEVEE_COOKIE_SECURE', false),
    loginMaxFailures: intVar(env, 'LEVEE_LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginLockMinutes: intVar(env, 'LEVEE_LOGIN_LOCK_MINUTES', 15, 1, 60 * 24),
    bodyLimitBytes: intVar(env, 'LEVEE_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    timeZone,
    natsUrl,
    gatewayDispatch: enumVar(env, 'LEVEE_GATEWAY_DISPATCH', ['auto', 'true', 'false'] as const, 'auto'),
    natsStream: streamName(env['LEVEE_NATS_STREAM'] || 'LEVEE_GATEWAY'),
    webDir: env['LEVEE_WEB_DIR'] || undefined,
    ...overrides,
  };
  return Object.freeze(config);
}
