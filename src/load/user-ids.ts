/**
 * One form of user ID for the whole product: the OneRoster 1.2 form, without a role prefix.
 *
 * IC's OneRoster 1.1 and legacy APIs prefix user sourcedIds with the role (`s+123456` for a
 * student, `t+789` for staff; infinite-campus-api.md "IDs"). The client strips the prefix from
 * every user it reads (the object's own sourcedId in user collections, and every reference typed
 * as a user), and puts `s+` back on the student of a result it writes. Everything outside
 * `src/load/` therefore sees and stores `123456` whatever the mode.
 */
import type { IcApiMode } from './ic-urls.ts';

const rolePrefix = /^[a-z]\+/;

/** Envelope keys whose objects are users. */
const userEnvelopes = new Set(['user', 'users', 'student', 'students', 'teacher', 'teachers']);
/** Reference `type`s that point at a user. */
const userRefTypes = new Set(['user', 'student', 'teacher']);
/** Fields holding a user reference even when the reference carries no `type`. */
const userRefFields = new Set(['user', 'student', 'teacher']);

export function usesRolePrefix(mode: IcApiMode): boolean {
  return mode !== 'oneroster-1.2';
}

/** `s+123456` -> `123456` in modes that prefix; unchanged otherwise. */
export function fromIcUserId(id: string, mode: IcApiMode): string {
  return usesRolePrefix(mode) ? id.replace(rolePrefix, '') : id;
}

/** A student's product ID as IC wants it in a result: `s+123456` in modes that prefix. */
export function toIcStudentId(id: string, mode: IcApiMode): string {
  return usesRolePrefix(mode) && !rolePrefix.test(id) ? `s+${id}` : id;
}

function stripRef(value: unknown, field: string, mode: IcApiMode): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const ref = value as Record<string, unknown>;
  const type = typeof ref['type'] === 'string' ? ref['type'] : undefined;
  const isUserRef = type !== undefined ? userRefTypes.has(type) : userRefFields.has(field);
  if (!isUserRef || typeof ref['sourcedId'] !== 'string') return value;
  return { ...ref, sourcedId: fromIcUserId(ref['sourcedId'], mode) };
}

/** One raw object of envelope `envelopeKey`, with its user IDs in the product's form. */
export function normalizeUserIds(raw: unknown, envelopeKey: string, mode: IcApiMode): unknown {
  if (!usesRolePrefix(mode) || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const object: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    object[field] = Array.isArray(value) ? value.map((item) => stripRef(item, field, mode)) : stripRef(value, field, mode);
  }
  if (userEnvelopes.has(envelopeKey) && typeof object['sourcedId'] === 'string') {
    object['sourcedId'] = fromIcUserId(object['sourcedId'], mode);
  }
  return object;
}
