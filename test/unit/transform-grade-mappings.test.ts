import { describe, expect, it } from 'vitest';
import { makeGradeMappings, type GradeMappingSources, type RosterMappingData } from '../../src/transform/grade-mappings.ts';
import { groupStudentsByClass } from '../helpers/grade-mappings.ts';

const roster: RosterMappingData = {
  classes: [
    { sourcedId: 'cls-1', schoolSourcedId: 'sch-1' },
    { sourcedId: 'cls-2', schoolSourcedId: 'sch-1' },
  ],
  users: [
    { uid: '8001', sourcedId: 'stu-1' },
    { uid: '8002', sourcedId: 'stu-2' },
  ],
  studentsByClass: groupStudentsByClass([
    { classSourcedId: 'cls-1', userSourcedId: 'stu-1' },
    { classSourcedId: 'cls-1', userSourcedId: 'stu-2' },
    { classSourcedId: 'cls-2', userSourcedId: 'stu-2' },
  ]),
  terms: [],
};

describe('makeGradeMappings: students through the roster mappings', () => {
  it('maps a student only in a class the roster lists them in', () => {
    const mappings = makeGradeMappings({ mappingFile: null, roster, identity: null, schoolIdentifiers: new Map() });
    expect(mappings.studentFor('8001', 'cls-1')).toBe('stu-1');
    expect(mappings.studentFor('8002', 'cls-2')).toBe('stu-2');
    expect(mappings.studentFor('8001', 'cls-2')).toBeNull();
    expect(mappings.studentFor('8001', 'cls-unknown')).toBeNull();
    expect(mappings.studentFor('9999', 'cls-1')).toBeNull();
  });

  it('falls back to identity, as confirmed by IC, when the roster does not place the student', () => {
    const mappings = makeGradeMappings({
      mappingFile: null,
      roster,
      identity: { classes: new Map(), classStudents: new Map([['cls-2', new Set(['stu-1'])]]), termIds: new Set() },
      schoolIdentifiers: new Map(),
    });
    expect(mappings.studentFor('stu-1', 'cls-2')).toBe('stu-1');
    expect(mappings.studentFor('8001', 'cls-2')).toBeNull();
  });
});

describe('makeGradeMappings: grading periods to IC terms', () => {
  const terms: RosterMappingData['terms'] = [
    { sourcedId: 'a-q1', schoolSourcedId: 'sch-a', gradingPeriodId: null, gradingPeriodTitle: 'Q1 2026-2027' },
    { sourcedId: 'b-q1', schoolSourcedId: 'sch-b', gradingPeriodId: null, gradingPeriodTitle: 'Q1 2026-2027' },
    { sourcedId: 'b-q1-bis', schoolSourcedId: 'sch-b', gradingPeriodId: 'gp-9', gradingPeriodTitle: 'Q1 2026-2027' },
    { sourcedId: 'all-s1', schoolSourcedId: null, gradingPeriodId: 'gp-s1', gradingPeriodTitle: null },
  ];

  it('maps a period per school through the roster, the same answer however often it is asked', () => {
    const mappings = makeGradeMappings({ mappingFile: null, roster: { ...roster, terms }, identity: null, schoolIdentifiers: new Map() });
    for (let i = 0; i < 3; i++) {
      expect(mappings.termFor('q1 2026-2027', 'sch-a')).toBe('a-q1');
      expect(mappings.termFor('Q1 2026-2027', 'sch-b')).toBeNull(); // two IC terms: a guess, so unmapped
      expect(mappings.termFor('GP-S1', 'sch-a')).toBe('all-s1');
      expect(mappings.termFor('Q2 2026-2027', 'sch-a')).toBeNull();
    }
  });

  it('uses only the mapping file when one is configured, by school sourcedId or identifier', () => {
    const mappings = makeGradeMappings({
      mappingFile: [{ gradingPeriod: 'Q1 2026-2027', icTerm: 'file-q1', school: 'LHS' }],
      roster: { ...roster, terms },
      identity: null,
      schoolIdentifiers: new Map([['sch-a', 'LHS']]),
    });
    expect(mappings.termFor('Q1 2026-2027', 'sch-a')).toBe('file-q1');
    expect(mappings.termFor('Q1 2026-2027', 'sch-b')).toBeNull();
    expect(mappings.schoolIncluded('sch-a')).toBe(true);
    expect(mappings.schoolIncluded('sch-b')).toBe(false);
  });
});
