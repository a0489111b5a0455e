/** The one logger: pino, structured JSON to stderr so stdout stays clean for CLI output. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'levee'): Logger {
  return pino({ name, level, base: { name } }, pino.destination(2));
}
