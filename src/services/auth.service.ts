/**
 * Local accounts: argon2id hashes, throttling per user name, server-side sessions (the cookie holds
 * a random token; the database only its SHA-256), a CSRF token per session, expiry both absolute
 * and on idleness, revocation. `authenticate` is the seam where an OIDC login would also end up:
 * whatever proves the identity, the result is a session row and an Actor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { LeveeConfig } from '../core/config.js';
import { LeveeError } from '../core/errors.js';
import {
  clearThrottle,
  findLiveSession,
  findThrottle,
  insertSession,
  listLiveSessions,
  revokeSession,
  revokeUserSessions,
  saveThrottle,
  touchSession,
} from '../repositories/session.repository.js';
import {
  findUser,
  findUserByUsername,
  updateUser,
  type UserWithUnit,
} from '../repositories/user.repository.js';
import { findUnit } from '../repositories/unit.repository.js';
import type { Database, SessionRow, UnitRow } from '../storage/schema.js';
import type { Actor } from './access-policy.js';
import { isRole } from './access-policy.js';
import { type AuditService, actorEntry } from './audit.service.js';

// argon2id, OWASP's minimum profile (19 MiB, 2 passes): strong and still fast enough for a login.
const ARGON_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// Verifying against this keeps an unknown user name as slow as a wrong password.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$H9qAKoLfPpN8RwisllzuNw$dlTpb3edURPBkp1BSRMcdcwcwbmJ5KoEHBm+kvW+Lgo';

export function hashPassword(password: string): Promise<string> {
  return argonHash(password, ARGON_OPTIONS);
}

export function sessionIdFromToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function checkPasswordStrength(password: string, username: string): void {
  const problems: string[] = [];
  if (password.length < 10) problems.push('at least 10 characters');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('both letters and digits');
  if (password.toLowerCase().includes(username.toLowerCase())) problems.push('not containing the user name');
  if (problems.length > 0) {
    throw new LeveeError('LEVEE_WEAK_PASSWORD', `the new password needs ${problems.join(', ')}`, {
      field: 'newPassword',
    });
  }
}

export interface Authenticated {
  readonly actor: Actor;
  readonly session: SessionRow;
  readonly user: UserWithUnit;
  readonly mustChangePassword: boolean;
}

export class AuthService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly config: LeveeConfig,
    private readonly clock: Clock,
  ) {}

  mustChangePassword(user: Pick<UserWithUnit, 'must_change_password' | 'is_demo'>): boolean {
    if (this.config.demo && user.is_demo === 1) return false;
    return user.must_change_password === 1;
  }

  async login(
    username: string,
    password: string,
    ip: string,
    userAgent: string,
  ): Promise<{ token: string; auth: Authenticated }> {
    const now = this.clock.now();
    const throttle = await findThrottle(this.db, username);
    if (throttle?.locked_until && throttle.locked_until > now.toISOString()) {
      await this.db.transaction().execute((trx) =>
        this.audit.record(trx, {
          userId: null,
          username,
          unitId: null,
          action: 'auth.login-throttled',
          targetType: 'user',
          targetId: username,
          ip,
        }),
      );
      throw new LeveeError(
        'LEVEE_LOGIN_THROTTLED',
        `too many failed logins for "${username}"; try again after ${throttle.locked_until}`,
        {
          extra: { lockedUntil: throttle.locked_until },
        },
      );
    }
    const user = await findUserByUsername(this.db, username);
    const passwordOk = await argonVerify(user?.password_hash ?? DUMMY_HASH, password);
    if (!user || !passwordOk || user.disabled === 1) {
      await this.db.transaction().execute(async (trx) => {
        const failures = (throttle?.failures ?? 0) + 1;
        const lock = failures >= this.config.loginMaxFailures;
        await saveThrottle(trx, {
          username,
          failures: lock ? 0 : failures,
          locked_until: lock
            ? new Date(now.getTime() + this.config.loginLockMinutes * 60_000).toISOString()
            : null,
          last_failure_at: now.toISOString(),
        });
        await this.audit.record(trx, {
          userId: user?.id ?? null,
          username,
          unitId: user?.unit_id ?? null,
          action: 'auth.login-failed',
          targetType: 'user',
          targetId: username,
          ip,
        });
      });
      throw new LeveeError(
        'LEVEE_BAD_CREDENTIALS',
        'wrong user name or password, or the account is disabled',
      );
    }
    const token = randomBytes(32).toString('base64url');
    const session: SessionRow = {
      id: sessionIdFromToken(token),
      user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + this.config.sessionTtlMinutes * 60_000).toISOString(),
      revoked_at: null,
      ip,
      user_agent: userAgent.slice(0, 300),
    };
    await this.db.transaction().execute(async (trx) => {
      await clearThrottle(trx, username);
      await insertSession(trx, session);
      await this.audit.record(trx, {
        userId: user.id,
        username,
        unitId: user.unit_id,
        action: 'auth.login',
        targetType: 'session',
        targetId: session.id.slice(0, 16),
        ip,
      });
    });
    return { token, auth: this.toAuthenticated(user, session, ip) };
  }

  /** The session behind a cookie token, or undefined when it is unknown, revoked, expired or idle too long. */
  async authenticate(token: string, ip: string): Promise<Authenticated | undefined> {
    const now = this.clock.now();
    const session = await findLiveSession(this.db, sessionIdFromToken(token), now.toISOString());
    if (!session) return undefined;
    const idleLimit = new Date(session.last_seen_at).getTime() + this.config.sessionIdleMinutes * 60_000;
    if (idleLimit <= now.getTime()) return undefined;
    const user = await findUser(this.db, session.user_id);
    if (!user || user.disabled === 1) return undefined;
    // Only write when a minute has passed: keeps reads from turning into writes on every request.
    if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000)
      await touchSession(this.db, session.id, now.toISOString());
    return this.toAuthenticated(user, session, ip);
  }

  /** The unit of the signed-in user, for their own profile (`/api/auth/me`). */
  async ownUnit(auth: Authenticated): Promise<UnitRow> {
    const unit = await findUnit(this.db, auth.user.unit_id);
    if (!unit) throw new Error(`user ${auth.user.id} belongs to no unit`); // a foreign key says it cannot happen
    return unit;
  }

  async logout(actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await revokeSession(trx, actor.sessionId, actor.userId, this.clock.now().toISOString());
      await this.audit.record(
        trx,
        actorEntry(actor, 'auth.logout', { type: 'session', id: actor.sessionId.slice(0, 16) }),
      );
    });
  }

  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await findUser(this.db, actor.userId);
    if (!user || !(await argonVerify(user.password_hash, currentPassword))) {
      throw new LeveeError('LEVEE_VALIDATION', 'the current password is wrong', { field: 'currentPassword' });
    }
    checkPasswordStrength(newPassword, user.username);
    if (await argonVerify(user.password_hash, newPassword)) {
      throw new LeveeError('LEVEE_WEAK_PASSWORD', 'the new password must differ from the current one', {
        field: 'newPassword',
      });
    }
    const passwordHash = await hashPassword(newPassword);
    const now = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, {
        password_hash: passwordHash,
        must_change_password: 0,
        is_demo: 0,
        updated_at: now,
      });
      await revokeUserSessions(trx, user.id, now, actor.sessionId);
      await this.audit.record(trx, actorEntry(actor, 'auth.password-change', { type: 'user', id: user.id }));
    });
  }

  async listSessions(actor: Actor): Promise<SessionRow[]> {
    return listLiveSessions(this.db, actor.userId, this.clock.now().toISOString());
  }

  async revokeOwnSession(actor: Actor, sessionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const changed = await revokeSession(trx, sessionId, actor.userId, this.clock.now().toISOString());
      if (changed === 0) throw new LeveeError('LEVEE_NOT_FOUND', `no live session ${sessionId} of yours`);
      await this.audit.record(
        trx,
        actorEntry(actor, 'auth.session-revoke', { type: 'session', id: sessionId.slice(0, 16) }),
      );
    });
  }

  private toAuthenticated(user: UserWithUnit, session: SessionRow, ip: string): Authenticated {
    if (!isRole(user.role))
      throw new LeveeError('LEVEE_INTERNAL', `user ${user.id} has unknown role ${user.role}`);
    return {
      actor: {
        userId: user.id,
        username: user.username,
        role: user.role,
        unitId: user.unit_id,
        unitPath: user.unit_path,
        ip,
        sessionId: session.id,
      },
      session,
      user,
      mustChangePassword: this.mustChangePassword(user),
    };
  }
}
