/**
 * Maps a row's Schoology codes to IC sourcedIds, in the order the design fixes: section first
 * (`unmapped-section`), then the school filter of the mapping file (`school-not-included`), then
 * the grading period (`unmapped-term`; overall rows have no period to map), then the student
 * (`unmapped-student`). The first failing step is the row's reason.
 */
import type { ExportRow, GradeSkipReason } from '../types.ts';
import type { GradeMappings } from './plan-grade-passback.ts';

export interface MappedRow {
  classSourcedId: string;
  schoolSourcedId: string;
  /** null for an overall row. */
  termSourcedId: string | null;
  studentSourcedId: string;
}

export type RowMapping =
  | { mapped: true; ids: MappedRow }
  | { mapped: false; reason: GradeSkipReason; message: string; partial: Partial<MappedRow> };

export function mapRow(row: ExportRow, overall: boolean, mappings: GradeMappings): RowMapping {
  const target = mappings.classFor(row.sectionSchoolCode);
  if (!target)
    return unmapped('unmapped-section', `section "${row.sectionSchoolCode}" matches no IC class`, {});
  const { classSourcedId, schoolSourcedId } = target;
  if (!mappings.schoolIncluded(schoolSourcedId))
    return unmapped('school-not-included', `school ${schoolSourcedId} is not listed in the mapping file`, {
      classSourcedId,
      schoolSourcedId,
    });
  const termSourcedId = overall ? null : mappings.termFor(row.gradingPeriod, schoolSourcedId);
  if (!overall && termSourcedId === null)
    return unmapped('unmapped-term', `period "${row.gradingPeriod}" has no IC term for school ${schoolSourcedId}`, {
      classSourcedId,
      schoolSourcedId,
    });
  const studentSourcedId = mappings.studentFor(row.studentId, classSourcedId);
  if (studentSourcedId === null)
    return unmapped('unmapped-student', `student "${row.studentId}" is not known in IC class ${classSourcedId}`, {
      classSourcedId,
      schoolSourcedId,
      termSourcedId,
    });
  return { mapped: true, ids: { classSourcedId, schoolSourcedId, termSourcedId, studentSourcedId } };
}

function unmapped(reason: GradeSkipReason, message: string, partial: Partial<MappedRow>): RowMapping {
  return { mapped: false, reason, message, partial };
}
