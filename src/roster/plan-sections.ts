/**
 * IC classes -> Schoology sections (README "Roster rules in detail", Classes and courses).
 *
 * A class is provisioned when its school is mapped (else `unmapped-school`), it has a term in the
 * active year (else `other-year`), at least one of those terms is mapped (else `unmapped-term`) and
 * IC lists its course (else `unknown-reference`). It takes the grading periods of its mapped terms.
 * Sections are found by section school code (the class sourcedId), never by section code: an
 * existing one is updated by its ID to IC's title, section code and grading periods (a bulk
 * `update_existing` would match on section code + grading periods and duplicate the section when
 * the periods change); a missing one is created under its course.
 */
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText } from './plan-types.ts';
import type { RosterClass, RosterCourse, RosterSession, RosterSkipReason, SchoologyRef } from './roster-types.ts';
import { refKey } from './roster-types.ts';
import type { Section } from './schoology/index.ts';

export interface ProvisionedClass {
  class: RosterClass;
  /** Distinct grading periods of the mapped terms, in term order. */
  periods: SchoologyRef[];
}

export interface ClassScope {
  provisioned: Map<string, ProvisionedClass>;
  skipReason: Map<string, RosterSkipReason>;
  skipped: PlannedSkip[];
}

export interface ScopeClassesInput {
  classes: readonly RosterClass[];
  courses: ReadonlyMap<string, RosterCourse>;
  sessions: ReadonlyMap<string, RosterSession>;
  schoolYear: string;
  buildingOf: ReadonlyMap<string, SchoologyRef>;
  periodOf: ReadonlyMap<string, SchoologyRef>;
}

/** Whether a class belongs to the active school year: one of its terms does. */
export function isActiveYearClass(c: RosterClass, sessions: ReadonlyMap<string, RosterSession>, schoolYear: string): boolean {
  return c.termSourcedIds.some((t) => sessions.get(t)?.schoolYear === schoolYear);
}

export function scopeClasses(input: ScopeClassesInput): ClassScope {
  const scope: ClassScope = { provisioned: new Map(), skipReason: new Map(), skipped: [] };
  for (const c of [...input.classes].sort((a, b) => compareText(a.sourcedId, b.sourcedId))) {
    if (c.status !== 'active') continue;
    const skip = (reason: RosterSkipReason, message: string) => {
      scope.skipReason.set(c.sourcedId, reason);
      scope.skipped.push({ key: c.sourcedId, reason, school: c.schoolSourcedId, section: c.sourcedId, message: `${c.title}: ${message}` });
    };
    if (!input.buildingOf.has(c.schoolSourcedId)) {
      skip('unmapped-school', `school ${c.schoolSourcedId} is not mapped`);
      continue;
    }
    if (!isActiveYearClass(c, input.sessions, input.schoolYear)) {
      skip('other-year', `no term in school year ${input.schoolYear}`);
      continue;
    }
    const periods = new Map<string, SchoologyRef>();
    for (const term of c.termSourcedIds) {
      const ref = input.periodOf.get(term);
      if (ref) periods.set(refKey(ref), ref);
    }
    if (periods.size === 0) {
      skip('unmapped-term', `none of its terms (${c.termSourcedIds.join(', ')}) is mapped to a grading period`);
      continue;
    }
    const course = c.courseSourcedId ? input.courses.get(c.courseSourcedId) : undefined;
    if (!course || course.status !== 'active') {
      skip('unknown-reference', `IC does not list its course ${c.courseSourcedId ?? '(none)'}`);
      continue;
    }
    scope.provisioned.set(c.sourcedId, { class: c, periods: [...periods.values()] });
  }
  return scope;
}

export interface SectionFields {
  title: string;
  sectionCode: string;
  sectionSchoolCode: string;
  gradingPeriods: SchoologyRef[];
  /** The course a new section is created under. */
  course: SchoologyRef;
}

export function sectionChanges(fields: SectionFields, existing: Section): string[] {
  const changes: string[] = [];
  if (fields.title !== existing.title) changes.push('title');
  if (fields.sectionCode !== (existing.section_code ?? '')) changes.push('section_code');
  const want = fields.gradingPeriods.map(refKey).sort();
  const have = [...new Set(existing.grading_periods)].map((id) => refKey({ id })).sort();
  if (want.join(',') !== have.join(',')) changes.push('grading_periods');
  return changes;
}

export function planSections(
  scope: ClassScope,
  courseOf: ReadonlyMap<string, SchoologyRef>,
  existing: ReadonlyMap<string, Section>,
): { writes: PlannedWrite<SectionFields>[]; unchanged: number } {
  const writes: PlannedWrite<SectionFields>[] = [];
  let unchanged = 0;
  for (const { class: c, periods } of scope.provisioned.values()) {
    const course = c.courseSourcedId ? courseOf.get(c.courseSourcedId) : undefined;
    if (!course) continue;
    const fields: SectionFields = { title: c.title, sectionCode: c.classCode ?? c.sourcedId, sectionSchoolCode: c.sourcedId, gradingPeriods: periods, course };
    const found = existing.get(c.sourcedId);
    const changes = found ? sectionChanges(fields, found) : [];
    if (found && changes.length === 0) {
      unchanged += 1;
      continue;
    }
    writes.push({
      action: found ? 'update' : 'create',
      key: c.sourcedId,
      existingId: found?.id ?? null,
      fields,
      school: c.schoolSourcedId,
      section: c.sourcedId,
      changes,
    });
  }
  return { writes, unchanged };
}
