/**
 * Who may do what. Two independent checks, always both: the role's permission for the action, and
 * the unit scope — a user acts only within their own unit's subtree (a unit's `path` starts with
 * the user's unit's path). An institution liaison's unit is its institution, so its subtree is
 * just that institution.
 */
import { LeveeError } from '../core/errors.js';

export const ROLES = [
  'admin',
  'analyst',
  'duty_officer',
  'district_officer',
  'station_officer',
  'community_worker',
  'institution_liaison',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'dashboard.read',
  'units.read',
  'units.write',
  'users.read',
  'users.write',
  'persons.read',
  'persons.write',
  'persons.reveal',
  'audit.read',
  'cases.read',
  'cases.write',
  'gateway.read',
  'gateway.write',
  'gateway.admin',
  'tasks.read',
  'tasks.write',
  'tasks.work',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const POLICE_READ: Permission[] = [
  'dashboard.read',
  'units.read',
  'persons.read',
  'cases.read',
  'gateway.read',
  'tasks.read',
];

/** Tasks to units: the case side gives them (down the chain of command), the receiving unit works them. */
const TASKS: Permission[] = ['tasks.write', 'tasks.work'];

/** Officers who handle cases end to end: enter them, push requests, give and work tasks. */
const CASE_HANDLER: Permission[] = [
  ...POLICE_READ,
  'users.read',
  'persons.write',
  'persons.reveal',
  'cases.write',
  'gateway.write',
  ...TASKS,
];

/** Personal data in full only for roles whose work needs it: they contact or identify people. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'dashboard.read',
    'units.read',
    'units.write',
    'users.read',
    'users.write',
    'audit.read',
    'gateway.admin',
  ],
  analyst: CASE_HANDLER,
  duty_officer: CASE_HANDLER,
  district_officer: [...POLICE_READ, 'users.read', 'persons.reveal', ...TASKS],
  station_officer: CASE_HANDLER,
  community_worker: [
    'dashboard.read',
    'units.read',
    'persons.read',
    'cases.read',
    'tasks.read',
    'tasks.work',
  ],
  institution_liaison: ['dashboard.read', 'units.read', 'gateway.read'],
};

/** Which unit kinds a role's user may belong to. */
export const ROLE_UNIT_KINDS: Record<Role, readonly string[]> = {
  admin: ['city', 'district'],
  analyst: ['city', 'district'],
  duty_officer: ['city', 'district', 'station'],
  district_officer: ['district'],
  station_officer: ['station'],
  community_worker: ['community'],
  institution_liaison: ['bank', 'payment'],
};

export interface Actor {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  readonly unitId: number;
  readonly unitPath: string;
  readonly ip: string;
  readonly sessionId: string;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role].includes(permission);
}

export function requirePermission(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new LeveeError('LEVEE_FORBIDDEN', `role ${actor.role} lacks permission ${permission}`);
  }
}

export function inScope(actor: Pick<Actor, 'unitPath'>, unitPath: string): boolean {
  return unitPath.startsWith(actor.unitPath);
}

export function requireScope(actor: Pick<Actor, 'unitPath'>, unitPath: string, what: string): void {
  if (!inScope(actor, unitPath)) throw new LeveeError('LEVEE_OUT_OF_SCOPE', `${what} is outside your unit`);
}
