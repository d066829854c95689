/**
 * Compact storage for a plan of a million rows: numbers in growable typed arrays (4 bytes a value,
 * where an object per row costs a hundred), strings held once and named by index, and maps keyed
 * by numbers instead of built strings.
 */
import { ownCopy } from '../own-copy.ts';

/** Small codes (0-255) in a Uint8Array that grows as values are pushed. */
export class ByteColumn {
  #values: Uint8Array<ArrayBuffer> = new Uint8Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends `value`; returns its index. */
  push(value: number): number {
    if (this.#length === this.#values.length) {
      const grown = new Uint8Array(this.#values.length * 2);
      grown.set(this.#values);
      freeSoon(this.#values.buffer);
      this.#values = grown;
    }
    this.#values[this.#length] = value;
    return this.#length++;
  }

  at(index: number): number {
    return this.#values[index] ?? 0;
  }

  set(index: number, value: number): void {
    this.#values[index] = value;
  }
}

/** Fixed-width records of signed 32-bit values (one typed array, one capacity check per record). */
export class IntRecords {
  #values: Int32Array<ArrayBuffer>;
  #length = 0;

  /** `capacity`: records to make room for at first (it grows past that as needed). */
  constructor(
    readonly width: number,
    capacity = 1024,
  ) {
    this.#values = new Int32Array(width * Math.max(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  /** Appends a record of zeros; returns its index. */
  push(): number {
    if ((this.#length + 1) * this.width > this.#values.length) {
      const grown = new Int32Array(this.#values.length * 2);
      grown.set(this.#values);
      freeSoon(this.#values.buffer);
      this.#values = grown;
    }
    return this.#length++;
  }

  /** The values, record after record (`width` each); valid until the next push. For filling a new record at once. */
  get values(): Int32Array {
    return this.#values;
  }

  get(record: number, field: number): number {
    return this.#values[record * this.width + field] ?? 0;
  }

  set(record: number, field: number, value: number): void {
    this.#values[record * this.width + field] = value;
  }
}

/**
 * Each distinct string once, named by a dense index; `none` (-1) stands for null. The table keeps its
 * own copy of each, so a string cut from a chunk of the export does not keep the chunk alive.
 */
export class StringTable {
  static readonly none = -1;
  readonly #indexOf = new Map<string, number>();
  readonly #values: string[] = [];

  get size(): number {
    return this.#values.length;
  }

  index(value: string): number {
    let found = this.#indexOf.get(value);
    if (found === undefined) {
      const copy = ownCopy(value);
      found = this.#values.length;
      this.#values.push(copy);
      this.#indexOf.set(copy, found);
    }
    return found;
  }

  /** The index of a string held already, or `none`; unlike `index`, adds nothing. */
  find(value: string): number {
    return this.#indexOf.get(value) ?? StringTable.none;
  }

  indexOrNone(value: string | null | undefined): number {
    return value === null || value === undefined ? StringTable.none : this.index(value);
  }

  at(index: number): string {
    return this.#values[index] ?? '';
  }

  atOrNull(index: number): string | null {
    return index === StringTable.none ? null : this.at(index);
  }
}

/**
 * A map from three indices (a, b, c; each 0 or more) to a number: an open-addressing hash table
 * in one typed array, a slot's three keys and its value side by side so that a lookup in a table of
 * a million touches one cache line. A million entries cost 32 MB that the garbage collector never
 * has to trace, where nested Maps cost about twice that in small objects it traces again at every
 * full collection.
 */
export class IndexTripleMap {
  static readonly #empty = -1;
  /** Per slot: a, b, c, value; `a` is `#empty` in a free slot. */
  #slots: Int32Array<ArrayBuffer>;
  /** Slots, a power of two. */
  #capacity: number;
  #size = 0;

  /** `expected`: entries to make room for at first, so that a table whose size is known never grows. */
  constructor(expected = 0) {
    let capacity = 1024;
    while (capacity * 3 < expected * 4) capacity *= 2;
    this.#capacity = capacity;
    this.#slots = new Int32Array(4 * capacity).fill(IndexTripleMap.#empty);
  }

  get size(): number {
    return this.#size;
  }

  /** Empties the map and gives its memory back at once (see `freeSoon`), not at the next full collection. */
  release(): void {
    freeSoon(this.#slots.buffer);
    this.#capacity = 1024;
    this.#slots = new Int32Array(4 * this.#capacity).fill(IndexTripleMap.#empty);
    this.#size = 0;
  }

  get(a: number, b: number, c: number): number | undefined {
    const at = this.#slotOf(a, b, c) * 4;
    return this.#slots[at] === IndexTripleMap.#empty ? undefined : this.#slots[at + 3];
  }

  set(a: number, b: number, c: number, value: number): void {
    const at = this.#slotFor(a, b, c);
    this.#slots[at + 3] = value;
  }

  /**
   * The value (a, b, c) holds, left as it is; or, when absent, adds it with `value` and returns
   * undefined. One probe where `get` then `set` take two.
   */
  getOrAdd(a: number, b: number, c: number, value: number): number | undefined {
    const size = this.#size;
    const at = this.#slotFor(a, b, c);
    if (this.#size === size) return this.#slots[at + 3];
    this.#slots[at + 3] = value;
    return undefined;
  }

  /** Index in `#slots` of the slot holding (a, b, c), the keys written into an empty one if absent. */
  #slotFor(a: number, b: number, c: number): number {
    if (a < 0 || b < 0 || c < 0) throw new RangeError(`IndexTripleMap: indices must be 0 or more (${a}, ${b}, ${c})`);
    // Grown at three quarters full, so a probe soon meets an empty slot.
    if ((this.#size + 1) * 4 > this.#capacity * 3) this.#grow();
    const slots = this.#slots;
    const at = this.#slotOf(a, b, c) * 4;
    if (slots[at] === IndexTripleMap.#empty) {
      slots[at] = a;
      slots[at + 1] = b;
      slots[at + 2] = c;
      this.#size++;
    }
    return at;
  }

  /** The slot holding (a, b, c), or the empty slot where it would go (linear probing). */
  #slotOf(a: number, b: number, c: number): number {
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let slot = mixIndices(a, b, c) & mask;
    for (;;) {
      const at = slot * 4;
      const first = slots[at];
      if (first === IndexTripleMap.#empty || (first === a && slots[at + 1] === b && slots[at + 2] === c)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#capacity *= 2;
    const slots = new Int32Array(4 * this.#capacity).fill(IndexTripleMap.#empty);
    const mask = this.#capacity - 1;
    // Every key is known to be distinct: each goes to the first empty slot from its hash.
    for (let from = 0; from < old.length; from += 4) {
      const a = old[from]!;
      if (a === IndexTripleMap.#empty) continue;
      const b = old[from + 1]!;
      const c = old[from + 2]!;
      let slot = mixIndices(a, b, c) & mask;
      while (slots[slot * 4] !== IndexTripleMap.#empty) slot = (slot + 1) & mask;
      // Four stores: a subarray view per entry would cost more than the copy.
      const to = slot * 4;
      slots[to] = a;
      slots[to + 1] = b;
      slots[to + 2] = c;
      slots[to + 3] = old[from + 3]!;
    }
    this.#slots = slots;
    freeSoon(old.buffer);
  }
}

/**
 * A table that has lived through a few collections is freed only by the next full collection, which
 * can come after a million rows' next tables were made (or grown): at a million rows that put 32 MB
 * of dead table on top of the run's peak. Moving the bytes into a clone nothing holds (the original is
 * detached) lets the next young-generation collection, a few milliseconds away, free them.
 */
function freeSoon(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

/** A 32-bit hash of three integers (multiply-xorshift mixing, as in murmur3's finaliser). */
function mixIndices(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
