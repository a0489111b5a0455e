/** Row → API shape. Kept apart from the routes so every route maps a record the same way. */
import type { UnitRow, UserRow } from '../storage/schema.js';
import type { UnitDto } from './schemas.js';

export function unitDto(unit: UnitRow): UnitDto {
  return {
    id: unit.id,
    parentId: unit.parent_id,
    kind: unit.kind,
    code: unit.code,
    name: unit.name,
    nameEn: unit.name_en,
    depth: unit.depth,
  };
}

export function userDto(user: UserRow) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    unitId: user.unit_id,
    disabled: user.disabled === 1,
    mustChangePassword: user.must_change_password === 1,
    createdAt: user.created_at,
  };
}
