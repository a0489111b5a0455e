/**
 * src/contracts/ holds the API's shapes that the server and the console share. The console imports
 * them as types, so its type-check follows their imports: a contract may import only TypeBox,
 * other contracts and pure engines, and the console may reach into src/ only with type imports of
 * contracts and engines (nothing of the server's code is bundled for the browser).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf as imports, root, sourceFiles } from './_source.js';

const inside = (dir: string, path: string) => !relative(join(root, dir), path).startsWith('..');

function contractProblems(file: string, text: string): string[] {
  return imports(text).flatMap(({ spec }) => {
    if (spec === '@sinclair/typebox') return [];
    if (!spec.startsWith('.')) return [`imports ${spec}`];
    const target = resolve(dirname(file), spec);
    return inside('src/contracts', target) || inside('src/engines', target)
      ? []
      : [`imports ${spec} (only contracts and pure engines)`];
  });
}

function consoleProblems(file: string, text: string): string[] {
  return imports(text).flatMap(({ spec, typeOnly }) => {
    if (!spec.startsWith('.')) return [];
    const target = resolve(dirname(file), spec);
    if (inside('web', target)) return [];
    if (!inside('src/contracts', target) && !inside('src/engines', target))
      return [`imports ${spec} (server code)`];
    return typeOnly ? [] : [`imports ${spec} without \`import type\``];
  });
}

describe('shared contracts (src/contracts)', () => {
  it('a contract imports only TypeBox, contracts and pure engines', () => {
    const files = sourceFiles(join(root, 'src/contracts'), /\.tsx?$/);
    expect(files.length).toBeGreaterThan(0);
    const report = files.flatMap((f) =>
      contractProblems(f, readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`),
    );
    expect(report).toEqual([]);
  });

  it('the console reaches into src/ only for types of contracts and engines', () => {
    const files = sourceFiles(join(root, 'web/src'), /\.tsx?$/);
    const report = files.flatMap((f) =>
      consoleProblems(f, readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`),
    );
    expect(report).toEqual([]);
    // the task screens do use the contract (the check above is not vacuous)
    expect(readFileSync(join(root, 'web/src/api/types.ts'), 'utf8')).toContain('src/contracts/tasks.js');
  });

  it('the checks catch what they are for', () => {
    const contract = join(root, 'src/contracts/example.ts');
    expect(contractProblems(contract, "import type { Kysely } from 'kysely';")).toEqual(['imports kysely']);
    expect(contractProblems(contract, "import { x } from '../services/case.service.js';")).toEqual([
      'imports ../services/case.service.js (only contracts and pure engines)',
    ]);
    expect(
      contractProblems(
        contract,
        "import { Type } from '@sinclair/typebox';\nimport { Id } from './common.js';",
      ),
    ).toEqual([]);
    const screen = join(root, 'web/src/tasks/example.tsx');
    expect(consoleProblems(screen, "import { TaskDto } from '../../../src/contracts/tasks.js';")).toEqual([
      'imports ../../../src/contracts/tasks.js without `import type`',
    ]);
    expect(consoleProblems(screen, "import type { LeveeContext } from '../../../src/context.js';")).toEqual([
      'imports ../../../src/context.js (server code)',
    ]);
    expect(
      consoleProblems(screen, "export type { TaskDto } from '../../../src/contracts/tasks.js';"),
    ).toEqual([]);
  });
});
