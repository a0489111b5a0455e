/**
 * Rule 4 of docs/architecture.md: database differences live in the connector (src/storage). Code
 * elsewhere asks the store's capabilities (`rowLocks`, `autoIdType`) instead of testing which
 * database it runs on — so no file outside src/storage may import a driver or a Kysely dialect,
 * test an adapter's class, or compare a dialect's name.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf, root, sourceFiles } from './_source.js';

const TELLS: [RegExp, string][] = [
  [/from\s+['"](better-sqlite3|pg|pg-cursor)['"]/, 'imports a database driver'],
  [
    /\b(Sqlite|Postgres|Mysql)(Adapter|Dialect|Driver|Introspector|QueryCompiler)\b/,
    'names a Kysely dialect class',
  ],
  [/['"](sqlite|postgres|postgresql)['"]/, 'compares a database name'],
];

function databaseTells(text: string): string[] {
  const code = codeOf(text);
  return TELLS.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
}

describe('database differences live in the connector (docs/architecture.md, rule 4)', () => {
  it('no file outside src/storage tells the databases apart', () => {
    const files = sourceFiles(join(root, 'src')).filter((f) => !f.startsWith(join(root, 'src/storage')));
    expect(files.length).toBeGreaterThan(100);
    const report = files.flatMap((f) =>
      databaseTells(readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`),
    );
    expect(report).toEqual([]);
  });

  it('the check itself catches what it is for', () => {
    expect(
      databaseTells("import { SqliteAdapter } from 'kysely';\nif (a instanceof SqliteAdapter) x();"),
    ).toEqual(['names a Kysely dialect class']);
    expect(databaseTells("import pg from 'pg';")).toEqual(['imports a database driver']);
    expect(databaseTells("if (caps.dialect === 'sqlite') x();")).toEqual(['compares a database name']);
    expect(databaseTells('if (caps.rowLocks) lock();')).toEqual([]);
    expect(databaseTells('// on SQLite a "sqlite" comment is fine\nconst x = 1;')).toEqual([]);
  });
});
