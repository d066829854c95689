import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DNS_NAMESPACE,
  RESULT_ID_NAMESPACE,
  URL_NAMESPACE,
  resultSourcedId,
  uuidV5,
} from '../../src/transform/result-id.ts';

const OID_NAMESPACE = '6ba7b812-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  // RFC 9562 appendix A.4, and values from Python's independent uuid.uuid5.
  it.each([
    { namespace: DNS_NAMESPACE, name: 'www.example.com', expected: '2ed6657d-e927-568b-95e1-2665a8aea6a2' },
    { namespace: DNS_NAMESPACE, name: 'python.org', expected: '886313e1-3b8a-5372-9b90-0c9aee199e5d' },
    { namespace: URL_NAMESPACE, name: 'https://www.example.com/', expected: '3d3ed9d2-aa3d-5fa6-90e8-ed662e90f559' },
    { namespace: OID_NAMESPACE, name: '1.3.6.1', expected: '1447fa61-5277-5fef-a9b3-fbc6e44f4af3' },
    { namespace: DNS_NAMESPACE.toUpperCase(), name: 'www.example.com', expected: '2ed6657d-e927-568b-95e1-2665a8aea6a2' },
  ])('$name in $namespace is $expected', ({ namespace, name, expected }) => {
    expect(uuidV5(name, namespace)).toBe(expected);
  });

  it('sets version 5 and the RFC variant', () => {
    const id = uuidV5('anything', DNS_NAMESPACE);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(TypeError);
  });
});

describe('resultSourcedId', () => {
  it('uses the documented namespace: UUID v5 of urn:gradebridge:ic-result in the URL namespace', () => {
    expect(uuidV5('urn:gradebridge:ic-result', URL_NAMESPACE)).toBe(RESULT_ID_NAMESPACE);
  });

  // Values from Python: uuid.uuid5(uuid.UUID(RESULT_ID_NAMESPACE), f'{line_item}/{student}').
  it.each([
    { lineItem: 'li-1', student: 'stu-1', expected: '16ad9355-857e-5cb0-88f7-f3e8d0e0a0fa' },
    { lineItem: 'é', student: '学生', expected: 'e5558db3-b0f4-5f27-8f34-afdf719ef103' },
  ])('($lineItem, $student) -> $expected', ({ lineItem, student, expected }) => {
    expect(resultSourcedId(lineItem, student)).toBe(expected);
  });

  it('hashes a name longer than its reused buffer whole, as node:crypto does', () => {
    const lineItem = `li-${'é'.repeat(700)}`;
    const student = 'stu-学'.repeat(100);
    const digest = createHash('sha1')
      .update(Buffer.from(RESULT_ID_NAMESPACE.replaceAll('-', ''), 'hex'))
      .update(`${lineItem}/${student}`, 'utf8')
      .digest();
    digest[6] = (digest[6]! & 0x0f) | 0x50;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    const hex = digest.subarray(0, 16).toString('hex');
    expect(resultSourcedId(lineItem, student)).toBe(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    expect(resultSourcedId('li-1', 'stu-1')).toBe('16ad9355-857e-5cb0-88f7-f3e8d0e0a0fa');
  });

  it('is stable and differs per line item and per student', () => {
    const ids = new Set([
      resultSourcedId('li-1', 'stu-1'),
      resultSourcedId('li-1', 'stu-2'),
      resultSourcedId('li-2', 'stu-1'),
    ]);
    expect(resultSourcedId('li-1', 'stu-1')).toBe(resultSourcedId('li-1', 'stu-1'));
    expect(ids.size).toBe(3);
  });
});
