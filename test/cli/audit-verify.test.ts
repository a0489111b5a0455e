/** `levee audit verify` as an operator runs it, against a database edited behind Levee's back. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const levee = (args: string[], env: Record<string, string>, input?: string) =>
  spawnSync(process.execPath, ['bin/levee.js', ...args], {
    env: { ...process.env, LEVEE_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    input,
  });

/** A migrated SQLite database with one city unit, as after a fresh install. */
function freshDatabase(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'levee-cli-'));
  const env = { LEVEE_DATA_DIR: dir };
  const migrated = levee(['migrate'], env);
  expect(migrated.status, migrated.stderr).toBe(0);
  expect(migrated.stdout).toMatch(/applied: 0001-foundation/);
  const db = new BetterSqlite3(join(dir, 'levee.db'));
  db.prepare(
    "INSERT INTO unit (parent_id, kind, code, name, name_en, path, depth, created_at) VALUES (NULL, 'city', 'WH', '武汉', 'Wuhan', '/1/', 0, '2026-01-01T00:00:00Z')",
  ).run();
  db.close();
  return { dir, env };
}

describe('levee audit verify', () => {
  it('passes on an intact chain and fails naming the row edited directly in the database', () => {
    const { dir, env } = freshDatabase();
    for (const name of ['alice', 'bob', 'carol']) {
      const added = levee(
        ['user', 'add', '--username', name, '--role', 'analyst', '--unit', 'WH', '--password-stdin'],
        env,
        'Strong-pass-2026\n',
      );
      expect(added.status, added.stderr).toBe(0);
      expect(added.stdout).toMatch(new RegExp(`created user ${name}`));
    }
    const ok = levee(['audit', 'verify'], env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: 3 rows/);

    const db = new BetterSqlite3(join(dir, 'levee.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET username = 'mallory' WHERE id = 2").run();
    db.close();
    const broken = levee(['audit', 'verify'], env);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at row 2/);
  });

  it('refuses bad user input with exit 2, a message naming the problem, and no user written', () => {
    const { dir, env } = freshDatabase();
    const add = (unit: string, role: string, password: string) =>
      levee(
        ['user', 'add', '--username', 'x1', '--role', role, '--unit', unit, '--password-stdin'],
        env,
        `${password}\n`,
      );
    const weak = add('WH', 'analyst', 'weak');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toMatch(/LEVEE_WEAK_PASSWORD: the new password needs at least 10 characters/);
    expect(add('XX', 'analyst', 'Strong-pass-2026').stderr).toMatch(/no unit with code "XX"/);
    expect(add('WH', 'station_officer', 'Strong-pass-2026').stderr).toMatch(
      /role station_officer cannot belong to a city unit/,
    );
    expect(add('WH', 'boss', 'Strong-pass-2026').stderr).toMatch(/unknown role "boss"/);
    const db = new BetterSqlite3(join(dir, 'levee.db'));
    expect(db.prepare('SELECT count(*) AS n FROM app_user').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
    db.close();
  });

  it('explains every command in --help', () => {
    const help = levee(['--help'], {});
    for (const command of ['serve', 'migrate', 'user', 'audit']) expect(help.stdout).toContain(command);
    expect(levee(['audit', 'verify', '--help'], {}).stdout).toMatch(/first broken row/);
    expect(levee(['user', 'add', '--help'], {}).stdout).toMatch(/--role/);
  });
});
