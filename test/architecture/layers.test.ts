/**
 * Rule 2 of docs/architecture.md: thin routes → access-checked services → query-only repositories.
 * A route that queries a repository itself skips the service's permission and scope checks, so
 * routes may take only types from repositories; repositories depend on storage and nothing above.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf as importLines, root, sourceFiles } from './_source.js';

/** Relative imports of a module, with the room (first folder under src/) each one reaches. */
function importsOf(file: string, text: string): { room: string; typeOnly: boolean; spec: string }[] {
  return importLines(text)
    .filter(({ spec }) => spec.startsWith('.'))
    .map(({ spec, typeOnly }) => ({
      room: relative(join(root, 'src'), resolve(dirname(file), spec)).split('/')[0]!,
      typeOnly,
      spec,
    }));
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
