/**
 * One planned result per (line item, student) (design step 6). Rows reaching the same result with
 * the same score (and letter, when letter grades are on) post it once: each such row's outcome is
 * `planned` and points to the one result. Different values post nothing: every such outcome is
 * `duplicate-conflict`. On a scheduled run a result equal to what the ledger says was last posted
 * is `unchanged` (for every row pointing to it) and not planned; a full run plans it anyway.
 *
 * Results are kept in columns (indices of the line item and the first row reaching it), not as an
 * object each; the student is the first row's. Their IDs are derived from the line item and student
 * where they are written, not kept. Only a result that more than one row reaches has its rows listed
 * and counted.
 */
import { ByteColumn, IndexTripleMap, IntRecords } from './compact-columns.ts';
import { listedRows, listRows } from './list-rows.ts';

export interface ResultValue {
  score: number;
  letter: string | null;
}

const state = { open: 0, conflict: 1, unchanged: 2 } as const;
const field = { lineItem: 0, firstRow: 1 } as const;

export class ResultTable {
  /** (line item, 0, student) -> result; null once `endLookups` let it go. */
  #byTarget: IndexTripleMap | null;
  /** Per result: line item, and the first row reaching it. */
  readonly #records: IntRecords;
  readonly #state = new ByteColumn();
  /** For each result reached by more than one row: how many, and the first few for the conflict message. */
  readonly #shared = new Map<number, { rows: number; listed: number[] }>();

  /** `valueOf(row)`: the score and letter a row gives. `expected`: results to make room for at first. */
  constructor(
    private readonly valueOf: (row: number) => ResultValue,
    expected = 1024,
  ) {
    this.#byTarget = new IndexTripleMap(expected);
    this.#records = new IntRecords(2, expected);
  }

  get size(): number {
    return this.#records.length;
  }

  /** `row` reaches (line item, student): the result is made on the first reach. */
  reach(lineItem: number, student: number, row: number): number {
    const found = this.#lookups().getOrAdd(lineItem, 0, student, this.#records.length);
    if (found === undefined) {
      const index = this.#records.push();
      this.#records.set(index, field.lineItem, lineItem);
      this.#records.set(index, field.firstRow, row);
      this.#state.push(state.open);
      return index;
    }
    const first = this.firstRowOf(found);
    let shared = this.#shared.get(found);
    if (!shared) {
      shared = { rows: 1, listed: [first] };
      this.#shared.set(found, shared);
    }
    shared.rows += 1;
    if (shared.listed.length < listedRows) shared.listed.push(row);
    const a = this.valueOf(first);
    const b = this.valueOf(row);
    if (a.score !== b.score || a.letter !== b.letter) this.#state.set(found, state.conflict);
    return found;
  }

  /** The result a (line item, student) reached, once every row was added. */
  find(lineItem: number, student: number): number | undefined {
    return this.#lookups().get(lineItem, 0, student);
  }

  /**
   * No more `reach` or `find`: the table keying the results is let go (32 MB for a million, which a
   * plan no longer needs while its outcomes are written).
   */
  endLookups(): void {
    this.#byTarget?.release();
    this.#byTarget = null;
  }

  #lookups(): IndexTripleMap {
    if (!this.#byTarget) throw new Error('ResultTable: lookups have ended');
    return this.#byTarget;
  }

  lineItemOf(result: number): number {
    return this.#records.get(result, field.lineItem);
  }

  firstRowOf(result: number): number {
    return this.#records.get(result, field.firstRow);
  }

  /** How many row outcomes point to the result. */
  rowsOf(result: number): number {
    return this.#shared.get(result)?.rows ?? 1;
  }

  isConflict(result: number): boolean {
    return this.#state.at(result) === state.conflict;
  }

  isUnchanged(result: number): boolean {
    return this.#state.at(result) === state.unchanged;
  }

  /** The ledger holds the result's value: it is not sent again (a conflict stays a conflict). */
  markUnchanged(result: number): void {
    if (this.#state.at(result) === state.open) this.#state.set(result, state.unchanged);
  }

  conflictMessage(result: number, lineOf: (row: number) => number): string {
    const listed = this.#shared.get(result)?.listed ?? [this.firstRowOf(result)];
    const shown = listed.map((row) => {
      const value = this.valueOf(row);
      return `line ${lineOf(row)} (${value.letter === null ? value.score : `${value.score} / ${value.letter}`})`;
    });
    return `different grades for the same line item and student: ${listRows(shown, this.rowsOf(result))}`;
  }
}
