/**
 * The audit chain against someone with database access: each edit or deletion done behind the
 * API's back (after dropping the append-only triggers, as an intruder would) is found by verify,
 * which names the first broken row.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/server.js';

async function dropAppendOnlyGuards(t: TestApp) {
  if (t.ctx.store.capabilities.dialect === 'sqlite') {
    await sql`DROP TRIGGER audit_log_no_update`.execute(t.ctx.store.db);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(t.ctx.store.db);
  } else {
    await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(t.ctx.store.db);
  }
}

describe.each(DATABASES)('audit chain on %s', (database) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ database });
    const analyst = await t.login('analyst');
    await analyst.request('GET', '/api/persons/1/reveal?reason=%E6%A0%B8%E6%9F%A5%E7%BA%BF%E7%B4%A2');
    await analyst.request('POST', '/api/auth/logout');
    await t.login('admin');
  });
  afterEach(async () => t?.close());

  const rows = () => t.ctx.store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();

  it('verifies an untouched chain', async () => {
    const result = await t.ctx.audit.verify(t.ctx.store.db);
    expect(result).toMatchObject({ ok: true, rows: (await rows()).length });
  });

  it('refuses updates and deletes through the database triggers', async () => {
    await expect(sql`UPDATE audit_log SET reason = 'x' WHERE id = 1`.execute(t.ctx.store.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log WHERE id = 1`.execute(t.ctx.store.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('names an edited row', async () => {
    await dropAppendOnlyGuards(t);
    const reveal = (await rows()).find((r) => r.action === 'person.reveal')!;
    await sql`UPDATE audit_log SET reason = 'routine check' WHERE id = ${reveal.id}`.execute(t.ctx.store.db);
    const result = await t.ctx.audit.verify(t.ctx.store.db);
    expect(result).toMatchObject({ ok: false, brokenRowId: reveal.id });
    expect(result.ok || result.problem).toMatch(/altered/);
  });

  it('names a deleted row', async () => {
    await dropAppendOnlyGuards(t);
    await sql`DELETE FROM audit_log WHERE id = 3`.execute(t.ctx.store.db);
    const result = await t.ctx.audit.verify(t.ctx.store.db);
    expect(result).toMatchObject({ ok: false, brokenRowId: 3 });
  });

  it('notices a deleted tail', async () => {
    await dropAppendOnlyGuards(t);
    const all = await rows();
    await sql`DELETE FROM audit_log WHERE id = ${all.at(-1)!.id}`.execute(t.ctx.store.db);
    const result = await t.ctx.audit.verify(t.ctx.store.db);
    expect(result).toMatchObject({ ok: false, brokenRowId: all.at(-1)!.id });
  });

  it('stays linear when many actions are audited at once', async () => {
    const analyst = await t.login('analyst');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        analyst.request('GET', '/api/persons/2/reveal?reason=%E5%B9%B6%E5%8F%91%E6%A3%80%E6%9F%A5'),
      ),
    );
    expect((await t.ctx.audit.verify(t.ctx.store.db)).ok).toBe(true);
  });
});
