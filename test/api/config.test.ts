import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/core/config.js';
import { LeveeError } from '../../src/core/errors.js';

describe('configuration', () => {
  it('has defaults that need no environment at all', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toMatch(/^sqlite:.*data\/levee\.db$/);
    expect(config.port).toBe(8080);
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.natsUrl).toBeUndefined();
  });

  it.each([
    ['LEVEE_PORT', 'abc', /LEVEE_PORT must be a whole number, got "abc"/],
    ['LEVEE_PORT', '70000', /LEVEE_PORT must be between 0 and 65535/],
    ['LEVEE_DATABASE_URL', 'mysql://x', /LEVEE_DATABASE_URL must start with sqlite: or postgres:\/\//],
    ['LEVEE_DEMO', 'maybe', /LEVEE_DEMO must be true or false/],
    ['LEVEE_LOG_LEVEL', 'loud', /LEVEE_LOG_LEVEL must be one of/],
    ['LEVEE_TIME_ZONE', 'Mars/Olympus', /LEVEE_TIME_ZONE is not a known IANA time zone/],
    ['LEVEE_NATS_URL', 'http://x', /LEVEE_NATS_URL must start with nats:\/\//],
  ])('names %s when it is %s', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LeveeError);
    expect((error as LeveeError).code).toBe('LEVEE_CONFIG');
    expect((error as LeveeError).field).toBe(name);
    expect((error as LeveeError).message).toMatch(message);
  });

  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(LEVEE_[A-Z_]+)` \| `/gm)].map((m) => m[1]);
    expect(documented).toEqual(CONFIG_VARIABLES.map((v) => v.name));
  });
});
