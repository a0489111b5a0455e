/**
 * Rule 1 of docs/architecture.md: everything under src/engines/ takes data and returns data — no
 * file, network, database, process or clock access. The rule is easy to break by one convenient
 * import, so it is checked on the source text: every import of an engine file must stay inside
 * src/engines/ or be one of the pure Node modules below, and no engine reads the clock, the
 * environment or a random source.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf, importsOf, root, sourceFiles } from './_source.js';

const enginesDir = join(root, 'src/engines');

/** Node modules that compute and touch nothing outside the process: hashing, text decoding. */
const PURE_NODE_MODULES = new Set(['node:crypto', 'node:util']);

const IMPURE_CALLS: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'reads the clock (Date.now)'],
  [/\bnew Date\(\s*\)/, 'reads the clock (new Date())'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bMath\.random\s*\(/, 'uses an unseeded random source (Math.random)'],
  [/\bprocess\./, 'touches the process (process.*)'],
  [/\bconsole\./, 'writes to the console'],
  [/\bfetch\s*\(/, 'goes to the network (fetch)'],
];

/** What is wrong with one engine file, as readable lines (empty when it is pure). */
function impurities(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const { spec } of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (relative(enginesDir, target).startsWith('..'))
        problems.push(`imports ${spec} (outside src/engines)`);
    } else if (!PURE_NODE_MODULES.has(spec)) {
      problems.push(`imports ${spec}`);
    }
  }
  const code = codeOf(text);
  for (const [pattern, what] of IMPURE_CALLS) if (pattern.test(code)) problems.push(what);
  return problems;
}

describe('engines are pure (docs/architecture.md, rule 1)', () => {
  const files = sourceFiles(enginesDir);

  it('finds the engines', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.some((f) => f.endsWith('tracing/lot-engine.ts'))).toBe(true);
  });

  it('no engine file imports I/O, storage or services, or reads the clock, environment or randomness', () => {
    const report = files.flatMap((file) =>
      impurities(file, readFileSync(file, 'utf8')).map((p) => `${relative(root, file)}: ${p}`),
    );
    expect(report).toEqual([]);
  });

  it('the check itself catches what it is for', () => {
    const file = join(enginesDir, 'statement/example.ts');
    expect(impurities(file, "import { readFile } from 'node:fs/promises';")).toEqual([
      'imports node:fs/promises',
    ]);
    expect(impurities(file, "import type { Kysely } from 'kysely';")).toEqual(['imports kysely']);
    expect(impurities(file, "export { x } from '../../services/case.service.js';")).toEqual([
      'imports ../../services/case.service.js (outside src/engines)',
    ]);
    expect(impurities(file, "const m = await import('node:net');")).toEqual(['imports node:net']);
    expect(impurities(file, 'const t = Date.now();')).toEqual(['reads the clock (Date.now)']);
    expect(
      impurities(file, "import { createHash } from 'node:crypto';\nimport { a } from '../tracing/index.js';"),
    ).toEqual([]);
    // a comment that names the clock is not a use of it
    expect(impurities(file, '// callers pass Date.now() in\nconst x = 1;')).toEqual([]);
  });
});
