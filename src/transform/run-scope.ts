/**
 * A full run can be limited to one school, one section or one teacher's sections (`--school`,
 * `--section`, `--teacher`). Rows outside are `out-of-scope`: the run does not consider them at all,
 * so they are checked before any mapping. The school of a row is the IC school of the class its
 * section maps to; a row whose section maps to no class cannot be placed and is left to the mapping
 * check (`unmapped-section`).
 */
import type { GradeMappings } from './plan-grade-passback.ts';

export interface RunScope {
  /** IC school sourcedId. */
  school?: string;
  /** Section school code. */
  section?: string;
  /** The section school codes of the teacher the run is limited to. */
  teacherSections?: ReadonlySet<string>;
}

/** Why a section is outside the scope, or null when it is inside (or there is no scope). */
export function outOfScopeMessage(
  scope: RunScope | undefined,
  sectionSchoolCode: string,
  mappings: GradeMappings,
): string | null {
  if (!scope) return null;
  if (scope.section !== undefined && sectionSchoolCode !== scope.section)
    return `the run is limited to section "${scope.section}"`;
  if (scope.teacherSections && !scope.teacherSections.has(sectionSchoolCode))
    return "the run is limited to one teacher's sections, and this is not one of them";
  if (scope.school !== undefined) {
    const mapped = mappings.classFor(sectionSchoolCode);
    if (mapped && mapped.schoolSourcedId !== scope.school) return `the run is limited to school ${scope.school}`;
  }
  return null;
}
