/**
 * The intake checker's error codes (src/services/intake-check.ts: `errors[].code`) as messages in
 * the user's language. A code can mean different things on different fields ("length" of an ID
 * number is 18 characters, of an account 8–30 digits), so the field's leaf name is tried first,
 * then the code alone; an unknown code keeps the server's own message.
 */
import { lookup } from '../i18n/translate.js';
import type { MessageKey } from '../i18n/zh-cn.js';
import { fieldPath } from './case-format.js';

export function intakeErrorKey(field: string, code: string | undefined): MessageKey | undefined {
  if (code === undefined || code === '') return undefined;
  const leaf = [...fieldPath(field)].reverse().find((p): p is string => typeof p === 'string');
  return (
    (leaf === undefined ? undefined : lookup(`intakeError.${leaf}.${code}`)) ?? lookup(`intakeError.${code}`)
  );
}

/** The message for one rejected field: ours by code, else the server's. */
export function intakeErrorText(
  t: (key: MessageKey) => string,
  issue: { field: string; code?: string | undefined; message: string },
): string {
  const key = intakeErrorKey(issue.field, issue.code);
  return key === undefined ? issue.message : t(key);
}
