/** Shapes every contract shares. Imports TypeBox only (see tasks.ts for why). */
import { Type } from '@sinclair/typebox';

export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const Items = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) });
