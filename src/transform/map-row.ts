/**
 * Maps a row's Schoology codes to IC sourcedIds, in the order the design fixes: section first
 * (`unmapped-section`), then the school filter of the mapping file (`school-not-included`), then
 * the grading period (`unmapped-term`; overall rows have no period to map), then the student
 * (`unmapped-student`). The first failing step is the row's reason. The first three depend on the
 * section and period alone, so the plan maps them once per (section, period), then each row's student.
 */
import type { GradeSkipReason } from '../types.ts';
import type { GradeMappings } from './plan-grade-passback.ts';

export interface MappedRow {
  classSourcedId: string;
  schoolSourcedId: string;
  /** null for an overall row. */
  termSourcedId: string | null;
  studentSourcedId: string;
}

export type MappedSection = Omit<MappedRow, 'studentSourcedId'>;

type Unmapped = { mapped: false; reason: GradeSkipReason; message: string; partial: Partial<MappedRow> };

export type SectionMapping = { mapped: true; ids: MappedSection } | Unmapped;

export type RowMapping = { mapped: true; ids: MappedRow } | Unmapped;

/** Section, school and grading period: the steps before the student. */
export function mapSectionAndPeriod(sectionSchoolCode: string, gradingPeriod: string, overall: boolean, mappings: GradeMappings): SectionMapping {
  const target = mappings.classFor(sectionSchoolCode);
  if (!target) return unmapped('unmapped-section', `section "${sectionSchoolCode}" matches no IC class`, {});
  const { classSourcedId, schoolSourcedId } = target;
  if (!mappings.schoolIncluded(schoolSourcedId))
    return unmapped('school-not-included', `school ${schoolSourcedId} is not listed in the mapping file`, {
      classSourcedId,
      schoolSourcedId,
    });
  const termSourcedId = overall ? null : mappings.termFor(gradingPeriod, schoolSourcedId);
  if (!overall && termSourcedId === null)
    return unmapped('unmapped-term', `period "${gradingPeriod}" has no IC term for school ${schoolSourcedId}`, {
      classSourcedId,
      schoolSourcedId,
    });
  return { mapped: true, ids: { classSourcedId, schoolSourcedId, termSourcedId } };
}

/** The last step: the student, in the class the section maps to. */
export function mapStudent(studentId: string, section: MappedSection, mappings: GradeMappings): RowMapping {
  const studentSourcedId = mappings.studentFor(studentId, section.classSourcedId);
  if (studentSourcedId === null)
    return unmapped('unmapped-student', `student "${studentId}" is not known in IC class ${section.classSourcedId}`, { ...section });
  return { mapped: true, ids: { ...section, studentSourcedId } };
}

function unmapped(reason: GradeSkipReason, message: string, partial: Partial<MappedRow>): Unmapped {
  return { mapped: false, reason, message, partial };
}
