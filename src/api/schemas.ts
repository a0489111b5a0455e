/**
 * The API's one validation layer: TypeBox schemas are JSON Schema for Fastify (validation and fast
 * serialisation, OpenAPI generation) and TypeScript types through `Static`.
 */
import { type Static, Type } from '@sinclair/typebox';
import { PERMISSIONS, ROLES } from '../services/access-policy.js';

import { Id } from '../contracts/common.js';

export { Id, Items } from '../contracts/common.js';
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.String(),
    requestId: Type.String(),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String(), code: Type.Optional(Type.String()), message: Type.String() }),
      ),
    ),
    lockedUntil: Type.Optional(Type.String()),
  },
  {
    $id: 'Problem',
    description: 'RFC 9457 problem details; `errors` lists every invalid field when there are several',
  },
);

export const UnitKind = Type.Union([
  Type.Literal('city'),
  Type.Literal('district'),
  Type.Literal('station'),
  Type.Literal('community'),
  Type.Literal('bank'),
  Type.Literal('payment'),
]);
export const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const Unit = Type.Object({
  id: Type.Integer(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  kind: UnitKind,
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  depth: Type.Integer(),
});
export type UnitDto = Static<typeof Unit>;

export const Me = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  unit: Unit,
  mustChangePassword: Type.Boolean(),
  permissions: Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p)))),
  csrfToken: Type.String(),
});

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  unitId: Type.Integer(),
  disabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  createdAt: Type.String(),
});

export const Person = Type.Object({
  id: Type.Integer(),
  unitId: Type.Integer(),
  name: Type.String(),
  idNumber: Type.String(),
  phone: Type.String(),
  bankCard: Type.String(),
  category: Type.String(),
  createdAt: Type.String(),
  masked: Type.Boolean(),
});

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });
export const Password = Type.String({ minLength: 1, maxLength: 256 });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const LoginBody = Type.Object(
  { username: Username, password: Password },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const NewUnitBody = Type.Object(
  {
    parentId: Id,
    kind: UnitKind,
    code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Z0-9-]+$' }),
    name: Text(100),
    nameEn: Text(100),
  },
  { additionalProperties: false },
);
export const NewUserBody = Type.Object(
  { username: Username, displayName: Text(64), role: Role, unitId: Id, password: Password },
  { additionalProperties: false },
);
export const UpdateUserBody = Type.Object(
  {
    disabled: Type.Optional(Type.Boolean()),
    role: Type.Optional(Role),
    displayName: Type.Optional(Text(64)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const NewPersonBody = Type.Object(
  {
    unitId: Id,
    name: Text(64),
    idNumber: Type.String({ minLength: 1, maxLength: 32 }),
    phone: Type.String({ minLength: 1, maxLength: 32 }),
    bankCard: Type.String({ minLength: 1, maxLength: 32 }),
    category: Type.Union([Type.Literal('victim'), Type.Literal('at_risk'), Type.Literal('suspect')]),
  },
  { additionalProperties: false },
);
export const UnitQuery = Type.Object({ unitId: Type.Optional(Id) }, { additionalProperties: false });
export const PersonQuery = Type.Object(
  { unitId: Type.Optional(Id), q: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
export const RevealQuery = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const AuditQuery = Type.Object(
  {
    unitId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    beforeId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export const SessionParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);
