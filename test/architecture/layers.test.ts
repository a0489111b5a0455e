/**
 * Rule 2 of docs/architecture.md: thin routes → access-checked services → query-only repositories.
 * A route that queries a repository itself skips the service's permission and scope checks, so
 * routes may take only types from repositories; repositories depend on storage and nothing above.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a module as [target folder under src, type-only]. */
function importsOf(file: string, text: string): { room: string; typeOnly: boolean; spec: string }[] {
  const found: { room: string; typeOnly: boolean; spec: string }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)(\s+type)?\b[^'";]*?\bfrom\s*['"](\.[^'"]+)['"]/gm)) {
    const target = relative(join(root, 'src'), resolve(dirname(file), m[3]!));
    found.push({ room: target.split('/')[0]!, typeOnly: m[2] !== undefined, spec: m[3]! });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const target = relative(join(root, 'src'), resolve(dirname(file), m[1]!));
    found.push({ room: target.split('/')[0]!, typeOnly: false, spec: m[1]! });
  }
  return found;
}

function routeProblems(file: string, text: string): string[] {
  return importsOf(file, text)
    .filter((i) => i.room === 'repositories' && !i.typeOnly)
    .map((i) => `queries a repository itself (${i.spec}); go through a service`);
}

function repositoryProblems(file: string, text: string): string[] {
  const allowed = new Set(['repositories', 'storage', 'core', 'engines', 'contracts']);
  return importsOf(file, text)
    .filter((i) => !allowed.has(i.room))
    .map((i) => `depends on ${i.room} (${i.spec})`);
}

describe('layers (docs/architecture.md, rule 2)', () => {
  const report = (dir: string, check: (file: string, text: string) => string[]) =>
    sourceFiles(join(root, dir)).flatMap((f) =>
      check(f, readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`),
    );

  it('routes take only types from repositories', () => {
    expect(sourceFiles(join(root, 'src/api/routes')).length).toBeGreaterThan(5);
    expect(report('src/api', routeProblems)).toEqual([]);
  });

  it('repositories depend on storage and core only, never on services, routes or the gateway', () => {
    expect(report('src/repositories', repositoryProblems)).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const route = join(root, 'src/api/routes/example.routes.ts');
    expect(routeProblems(route, "import { findUnit } from '../../repositories/unit.repository.js';")).toEqual(
      ['queries a repository itself (../../repositories/unit.repository.js); go through a service'],
    );
    expect(
      routeProblems(route, "import type { CaseWithUnit } from '../../repositories/case.repository.js';"),
    ).toEqual([]);
    const repo = join(root, 'src/repositories/example.repository.ts');
    expect(repositoryProblems(repo, "import { can } from '../services/access-policy.js';")).toEqual([
      'depends on services (../services/access-policy.js)',
    ]);
    expect(repositoryProblems(repo, "import type { Database } from '../storage/schema.js';")).toEqual([]);
  });
});
