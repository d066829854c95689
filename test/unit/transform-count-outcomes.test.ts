import { describe, expect, it } from 'vitest';
import { countOutcomes } from '../../src/transform/count-outcomes.ts';
import type { GradeOutcome } from '../../src/types.ts';

describe('countOutcomes', () => {
  it.each<{ outcomes: GradeOutcome[]; expected: ReturnType<typeof countOutcomes> }>([
    { outcomes: [], expected: { planned: 0, unchanged: 0, skipped: {} } },
    {
      outcomes: ['planned', 'planned', 'unchanged', 'no-grade', 'no-grade', 'window-closed'],
      expected: { planned: 2, unchanged: 1, skipped: { 'no-grade': 2, 'window-closed': 1 } },
    },
    {
      // After the load step, posted and failed results were planned (attempted) results.
      outcomes: ['posted', 'failed', 'planned', 'superseded-by-term'],
      expected: { planned: 3, unchanged: 0, skipped: { 'superseded-by-term': 1 } },
    },
  ])('$outcomes', ({ outcomes, expected }) => {
    expect(countOutcomes(outcomes.map((outcome) => ({ outcome })))).toEqual(expected);
  });
});
