/**
 * Deterministic IC result sourcedIds: re-posting the same (line item, student) replaces the result
 * instead of creating a second one (infinite-campus-api.md "Writing a final grade").
 */
import { createHash } from 'node:crypto';

/** RFC 9562 namespace IDs, for tests and for deriving our own namespace. */
export const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * The namespace of every result sourcedId gradebridge writes: the UUID v5 of the name
 * `urn:gradebridge:ic-result` in the URL namespace. It must never change: a new value would give
 * every result a new ID, and IC would hold each grade twice.
 */
export const RESULT_ID_NAMESPACE = 'a1f50bfc-a031-5bdd-a25a-c51dc2519691';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** UUID version 5 (SHA-1, RFC 9562 section 5.5) of `name` (UTF-8) in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  if (!uuidPattern.test(namespace)) throw new TypeError(`not a UUID: ${namespace}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The result sourcedId of one student's grade on one line item. */
export function resultSourcedId(lineItemSourcedId: string, studentSourcedId: string): string {
  return uuidV5(`${lineItemSourcedId}/${studentSourcedId}`, RESULT_ID_NAMESPACE);
}
