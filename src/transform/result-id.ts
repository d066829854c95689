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
  return formatUuid(uuidV5Bytes(name, uuidBytes(namespace)));
}

/** The result sourcedId of one student's grade on one line item. */
export function resultSourcedId(lineItemSourcedId: string, studentSourcedId: string): string {
  return formatUuid(resultIdBytes(lineItemSourcedId, studentSourcedId));
}

/** The same ID as bytes (its first 16), the way a plan keeps a million of them. */
export function resultIdBytes(lineItemSourcedId: string, studentSourcedId: string): Uint8Array {
  return uuidV5Bytes(`${lineItemSourcedId}/${studentSourcedId}`, resultNamespaceBytes);
}

function uuidBytes(uuid: string): Buffer {
  if (!uuidPattern.test(uuid)) throw new TypeError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

// Parsed once: a plan computes one result ID per (row, line item).
const resultNamespaceBytes = uuidBytes(RESULT_ID_NAMESPACE);

// One SHA-1 hasher, reset per name: a plan hashes a million names, and node:crypto's one-shot hash
// costs about three times as much per short name (bench/: 1.3 s against 0.4 s per million).
const sha1 = await createSHA1();

/**
 * The namespace's bytes and the name as UTF-8, written into one reused buffer: given a string, the
 * hasher makes a Buffer of its own per name, and those small buffers took a third of the time of a
 * million IDs once the heap held a million-row plan. Grown for a longer name (IDs are short).
 */
let hashInput = Buffer.allocUnsafe(1024);

function uuidV5Bytes(name: string, namespace: Buffer): Uint8Array {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const room = namespace.length + name.length * 3;
  if (room > hashInput.length) hashInput = Buffer.allocUnsafe(room);
  namespace.copy(hashInput, 0);
  const length = namespace.length + hashInput.write(name, namespace.length, 'utf8');
  sha1.init();
  sha1.update(hashInput.subarray(0, length));
  return versioned(sha1.digest('binary'));
}

/** Sets the version (5) and variant bits of a SHA-1 digest. */
function versioned(bytes: Uint8Array): Uint8Array {
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
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
