/**
 * Deterministic IC result sourcedIds: re-posting the same (line item, student) replaces the result
 * instead of creating a second one (infinite-campus-api.md "Writing a final grade").
 */
import { createSHA1 } from 'hash-wasm';

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
  hashName(uuidBytes(namespace), name, null, idBytes, 0);
  return formatUuid(idBytes);
}

/** The result sourcedId of one student's grade on one line item. */
export function resultSourcedId(lineItemSourcedId: string, studentSourcedId: string): string {
  writeResultIdBytes(lineItemSourcedId, studentSourcedId, idBytes, 0);
  return formatUuid(idBytes);
}

/** The same ID's 16 bytes, written into `target` at `offset`: the way a plan keeps a million of them. */
export function writeResultIdBytes(lineItemSourcedId: string, studentSourcedId: string, target: Uint8Array, offset: number): void {
  hashName(resultNamespaceBytes, lineItemSourcedId, studentSourcedId, target, offset);
}

function uuidBytes(uuid: string): Buffer {
  if (!uuidPattern.test(uuid)) throw new TypeError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

// Parsed once: a plan computes one result ID per (row, line item).
const resultNamespaceBytes = uuidBytes(RESULT_ID_NAMESPACE);

// One SHA-1 hasher, reset per name: a plan hashes a million names, and node:crypto's one-shot hash
// costs about twice as much per short name (1.9 s against 0.9 s per million).
const sha1 = await createSHA1();

/**
 * The namespace's bytes and the name as UTF-8, written into one reused buffer (grown for a longer
 * name). Given a string, the hasher makes a Buffer of its own per name; given the joined name, V8
 * makes a string per ID; and a small array per ID for the bytes: with a million-row plan in the heap,
 * a million IDs took 1.9 s that way, and 1.0 s without them.
 */
let hashInput = Buffer.allocUnsafe(1024);
const idBytes = new Uint8Array(16);
const slash = 0x2f;

/** The UUID v5 bytes of `first` (then `/` and `second`, when given) in `namespace`, into `target` at `offset`. */
function hashName(namespace: Buffer, first: string, second: string | null, target: Uint8Array, offset: number): void {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const room = namespace.length + (first.length + 1 + (second?.length ?? 0)) * 3;
  if (room > hashInput.length) hashInput = Buffer.allocUnsafe(room);
  namespace.copy(hashInput, 0);
  let length = namespace.length + hashInput.write(first, namespace.length, 'utf8');
  if (second !== null) {
    hashInput[length++] = slash;
    length += hashInput.write(second, length, 'utf8');
  }
  sha1.init();
  sha1.update(hashInput.subarray(0, length));
  const digest = sha1.digest('binary');
  for (let i = 0; i < 16; i++) target[offset + i] = digest[i]!;
  // Version 5 and the RFC variant.
  target[offset + 6] = (digest[6]! & 0x0f) | 0x50;
  target[offset + 8] = (digest[8]! & 0x3f) | 0x80;
}

/** The canonical text form of the 16 bytes of `bytes` from `offset`. */
export function formatUuid(bytes: Uint8Array, offset = 0): string {
  // Written as text into one reused buffer and decoded once: a flat 36-character string. Building it
  // from pieces (a replace or a join) leaves V8 a tree of three strings, about twice the memory; a
  // new buffer per ID cost more than the rest of the work once the heap held a million-row plan.
  const text = uuidText;
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = dash;
    const byte = bytes[offset + i]!;
    text[at++] = hexDigits[byte >> 4]!;
    text[at++] = hexDigits[byte & 0x0f]!;
  }
  return text.toString('latin1', 0, 36);
}

const uuidText = Buffer.alloc(36);

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
const dash = 0x2d;
