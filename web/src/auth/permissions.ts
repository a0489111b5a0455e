import type { Me } from '../api/types.js';

/**
 * Menu entries and buttons are shown from `me.permissions` (src/services/access-policy.ts). This
 * only hides what would fail anyway: the server enforces every permission and scope itself.
 */
export type Permission =
  | 'dashboard.read'
  | 'units.read'
  | 'units.write'
  | 'users.read'
  | 'users.write'
  | 'persons.read'
  | 'persons.write'
  | 'persons.reveal'
  | 'audit.read'
  | 'cases.read'
  | 'cases.write'
  | 'gateway.read'
  | 'gateway.write'
  | 'gateway.admin'
  | 'tasks.read'
  | 'tasks.write'
  | 'tasks.work';

export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}
