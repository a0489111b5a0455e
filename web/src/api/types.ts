// Shapes from the HTTP API contract (docs/api or notes/api-contract.md). Kept by hand: the console
// must not import server code, and the contract is small.

export type UnitKind = 'city' | 'district' | 'station' | 'community' | 'bank' | 'payment';

export interface Unit {
  id: number;
  parentId: number | null;
  kind: UnitKind;
  code: string;
  name: string;
  nameEn: string;
  depth: number;
}

export type Role =
  | 'admin'
  | 'analyst'
  | 'duty_officer'
  | 'district_officer'
  | 'station_officer'
  | 'community_worker'
  | 'institution_liaison';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unit: Unit;
  mustChangePassword: boolean;
  permissions: string[];
  csrfToken: string;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

export type PersonCategory = 'victim' | 'at_risk' | 'suspect';

export interface Person {
  id: number;
  unitId: number;
  name: string;
  idNumber: string;
  phone: string;
  bankCard: string;
  category: PersonCategory;
  createdAt: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  unitId: number | null;
  action: string;
  target: string | null;
  ip: string | null;
  reason: string | null;
}

export interface Dashboard {
  unit: Unit;
  generatedAt: string;
  figures: {
    units: number;
    users: number;
    persons: number;
    personsByCategory: Record<PersonCategory, number>;
    auditEventsToday: number;
    loginsToday: number;
  };
  activity: { date: string; events: number }[];
  modules: { key: string; status: 'ready' | 'coming' }[];
}

export interface Items<T> {
  items: T[];
}
