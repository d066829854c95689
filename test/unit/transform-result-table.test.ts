import { describe, expect, it } from 'vitest';
import { ResultTable } from '../../src/transform/result-groups.ts';

/** Rows 0-3: the score each gives (no letters). */
const scores = [90, 90, 75, 80];
const valueOf = (row: number) => ({ score: scores[row] ?? Number.NaN, letter: null });

describe('ResultTable', () => {
  it('makes results in the order rows first reach them, and gives a repeated reach the result made before', () => {
    const table = new ResultTable(valueOf, 2);
    expect([table.reach(5, 1, 0), table.reach(5, 2, 2), table.reach(5, 1, 1), table.reach(6, 1, 3)]).toEqual([0, 1, 0, 2]);
    expect([table.size, table.rowsOf(0), table.rowsOf(1), table.isConflict(0)]).toEqual([3, 2, 1, false]);
    expect([table.find(5, 2), table.find(6, 1), table.find(6, 2)]).toEqual([1, 2, undefined]);
  });

  it('marks a result reached with different scores as a conflict', () => {
    const table = new ResultTable(valueOf);
    table.reach(5, 1, 0);
    table.reach(5, 1, 2);
    expect(table.isConflict(0)).toBe(true);
    expect(table.conflictMessage(0, (row) => row + 2)).toBe('different grades for the same line item and student: line 2 (90), line 4 (75)');
  });

  it('takes no reach or lookup once its lookups ended, and keeps what it holds', () => {
    const table = new ResultTable(valueOf);
    table.reach(5, 1, 0);
    table.endLookups();
    expect(() => table.find(5, 1)).toThrow(/lookups have ended/);
    expect(() => table.reach(5, 2, 2)).toThrow(/lookups have ended/);
    expect([table.size, table.lineItemOf(0), table.firstRowOf(0)]).toEqual([1, 5, 0]);
  });
});
