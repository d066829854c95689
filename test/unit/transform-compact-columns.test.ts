import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ByteColumn, IndexTripleMap, IntRecords, StringTable } from '../../src/transform/compact-columns.ts';

describe('IndexTripleMap', () => {
  it('keeps every key apart through many grows, like a Map keyed by the triple', () => {
    const map = new IndexTripleMap();
    const reference = new Map<string, number>();
    // Keys that differ in one index only, and repeated sets, across several doublings.
    for (let i = 0; i < 20_000; i++) {
      const key = [i % 97, Math.floor(i / 97) % 13, i % 1_000] as const;
      map.set(...key, i);
      reference.set(key.join(','), i);
    }
    expect(map.size).toBe(reference.size);
    for (const [key, value] of reference) {
      const [a, b, c] = key.split(',').map(Number) as [number, number, number];
      expect(map.get(a, b, c)).toBe(value);
    }
    expect(map.get(97, 0, 0)).toBeUndefined();
    expect(map.get(0, 0, 1)).toBeUndefined();
  });

  it('overwrites a value without adding an entry, and holds negative values', () => {
    const map = new IndexTripleMap();
    map.set(1, 2, 3, 10);
    map.set(1, 2, 3, -5);
    expect(map.size).toBe(1);
    expect(map.get(1, 2, 3)).toBe(-5);
  });

  it('getOrAdd returns what a key holds and leaves it, or adds the key with the value given', () => {
    const map = new IndexTripleMap();
    for (let i = 0; i < 5_000; i++) expect(map.getOrAdd(i, i % 7, 3, i * 2)).toBeUndefined();
    expect(map.size).toBe(5_000);
    for (let i = 0; i < 5_000; i++) expect(map.getOrAdd(i, i % 7, 3, -1)).toBe(i * 2);
    expect(map.size).toBe(5_000);
    expect(map.get(4_999, 4_999 % 7, 3)).toBe(9_998);
    expect(() => map.getOrAdd(0, -1, 0, 0)).toThrow(RangeError);
  });

  it('holds the same entries whether made with room for them or grown to them', () => {
    const roomy = new IndexTripleMap(5_000);
    const grown = new IndexTripleMap();
    for (let i = 0; i < 5_000; i++) {
      roomy.set(i, i % 3, 1, i);
      grown.set(i, i % 3, 1, i);
    }
    for (let i = 0; i < 5_000; i++) expect([roomy.get(i, i % 3, 1), grown.get(i, i % 3, 1)]).toEqual([i, i]);
    expect([roomy.size, grown.size, roomy.get(0, 1, 1)]).toEqual([5_000, 5_000, undefined]);
  });

  it('release empties the map, which takes entries again after', () => {
    const map = new IndexTripleMap(3_000);
    for (let i = 0; i < 3_000; i++) map.set(i, 1, 2, i);
    map.release();
    expect([map.size, map.get(5, 1, 2)]).toEqual([0, undefined]);
    for (let i = 0; i < 3_000; i++) map.set(i, 2, 1, -i);
    expect([map.size, map.get(2_999, 2, 1), map.get(5, 1, 2)]).toEqual([3_000, -2_999, undefined]);
  });

  it('release gives an old table back at the next young-generation collection, not the next full one', () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
    const map = new IndexTripleMap(1_000_000);
    // Two full collections move the table's buffer object to the old generation, as a table filled
    // over a million rows is by the time it is let go.
    collectGarbage();
    collectGarbage();
    const held = process.memoryUsage().arrayBuffers;
    map.release();
    collectGarbage({ type: 'minor' });
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(30 * 2 ** 20);
  });

  it('refuses negative indices, which it uses to mark empty slots', () => {
    expect(() => new IndexTripleMap().set(-1, 0, 0, 1)).toThrow(RangeError);
  });
});

describe('columns', () => {
  it('IntRecords grows and keeps every field of every record', () => {
    const records = new IntRecords(3);
    for (let i = 0; i < 5_000; i++) {
      const at = records.push();
      records.set(at, 0, i);
      records.set(at, 1, -i);
      records.set(at, 2, i * 2);
    }
    expect(records.length).toBe(5_000);
    expect([records.get(4_321, 0), records.get(4_321, 1), records.get(4_321, 2)]).toEqual([4_321, -4_321, 8_642]);
    expect([records.get(0, 0), records.get(0, 1)]).toEqual([0, 0]);
  });

  it('ByteColumn grows and keeps its values', () => {
    const bytes = new ByteColumn();
    for (let i = 0; i < 3_000; i++) bytes.push(i % 256);
    expect(bytes.at(2_999)).toBe(2_999 % 256);
    expect(bytes.at(256)).toBe(0);
  });

  it('StringTable gives one index per distinct string and none for null', () => {
    const table = new StringTable();
    expect(table.index('a')).toBe(0);
    expect(table.index('b')).toBe(1);
    expect(table.index('a')).toBe(0);
    expect(table.indexOrNone(null)).toBe(StringTable.none);
    expect(table.atOrNull(StringTable.none)).toBeNull();
    expect(table.at(1)).toBe('b');
    expect(table.size).toBe(2);
    expect([table.find('b'), table.find('c'), table.size]).toEqual([1, StringTable.none, 2]);
  });

  it('StringTable keeps its own copy of each string: one cut from a large string does not keep that one alive', () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const table = new StringTable();
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    // 64 chunks of 1 MiB, as the CSV parser reads them, and a 40-character field cut from each.
    for (let chunk = 0; chunk < 64; chunk++) table.index(`${chunk}:`.padEnd(2 ** 20, 'x').slice(0, 40));
    collectGarbage();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 2 ** 20);
    expect(table.size).toBe(64);
    expect(table.at(63)).toBe(`63:${'x'.repeat(37)}`);
  });
});
