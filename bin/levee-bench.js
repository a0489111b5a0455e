#!/usr/bin/env node
// `npm run bench -- <name> [options]`: runs dist/bench/<name>.js, built from bench/<name>.ts.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../dist/bench/', import.meta.url));
const available = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.js') && !f.startsWith('_'))
      .map((f) => f.slice(0, -3))
  : [];
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|') || 'name'}> [options]\n`);
  process.exit(2);
}
const { main } = await import(`${dir}${name}.js`);
await main(rest);
