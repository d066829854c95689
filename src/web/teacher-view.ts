/**
 * Everything the teacher view shows, gathered for one teacher: their sections grouped by term,
 * each with its opt-in, grading windows, and what the last grade run did to it, student by student.
 * Used by `/teacher` and by the admin's read-only `/admin/teachers/<email>`.
 */
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import { listRowOutcomes } from '../store/row-outcomes.ts';
import { listRuns, type Run } from '../store/runs.ts';
import { readOptIns, readSchools, readTeacherSections, readTerms, readUsersByUid, type TeacherSection } from '../store/status-page-reads.ts';
import type { RosterTermRow, RowOutcomeRow } from '../store/tables.ts';
import type { SectionWindowLookup, SectionWindows } from './section-windows.ts';

export interface StudentOutcome {
  student: string;
  studentName: string | null;
  gradingPeriod: string | null;
  taskId: number | null;
  score: number | null;
  letter: string | null;
  outcome: string;
  message: string | null;
}

export interface SectionView {
  section: TeacherSection;
  schoolName: string;
  optedIn: boolean;
  optInChange: { by: string | null; at: string } | null;
  windows: SectionWindows;
  /** The last grade run's outcomes for this section; empty when the section was not in its export. */
  outcomes: StudentOutcome[];
  counts: [string, number][];
}

export interface TermGroup {
  label: string;
  dates: string | null;
  sections: SectionView[];
}

export interface TeacherView {
  email: string;
  mustOptIn: boolean;
  groups: TermGroup[];
  lastRun: Run | null;
  /** Titles of the terms the sections' line items belong to. */
  termTitles: Map<string, string>;
}

/** The newest finished grade run that was not a dry run: what IC now holds came from it. */
export async function lastGradeRun(store: Store): Promise<Run | null> {
  const runs = await listRuns(store, { limit: 50, pipeline: 'grades' });
  return runs.find((run) => !run.dryRun && run.status !== 'running') ?? null;
}

export async function buildTeacherView(deps: { config: Config; store: Store; windows: SectionWindowLookup }, email: string): Promise<TeacherView> {
  const { store } = deps;
  const sections = await readTeacherSections(store, email);
  const codes = sections.map((s) => s.sectionSchoolCode);
  const [terms, schools, optIns, lastRun] = await Promise.all([
    readTerms(store, [...new Set(sections.flatMap((s) => s.termSourcedIds))]),
    readSchools(store),
    readOptIns(store, codes),
    lastGradeRun(store),
  ]);
  const schoolById = new Map(schools.map((s) => [s.sourced_id, s]));
  const termById = new Map(terms.map((t) => [t.sourced_id, t]));
  const windows = await deps.windows.windowsFor(sections, (school) => {
    const identifier = schoolById.get(school)?.identifier;
    return identifier ? [identifier] : [];
  });

  const itemTerms = [...windows.values()].flatMap((w) => (w.known ? w.items.flatMap((i) => (i.termSourcedId ? [i.termSourcedId] : [])) : []));
  const moreTerms = await readTerms(store, [...new Set(itemTerms)].filter((id) => !termById.has(id)));
  for (const term of moreTerms) termById.set(term.sourced_id, term);

  const outcomeRows = lastRun ? await listRowOutcomes(store, lastRun.id, { sections: codes }) : [];
  const users = await readUsersByUid(store, outcomeRows.flatMap((row) => (row.student ? [row.student] : [])));
  const outcomesBySection = new Map<string, StudentOutcome[]>();
  for (const row of outcomeRows) {
    if (!row.section) continue;
    const list = outcomesBySection.get(row.section) ?? [];
    list.push(toStudentOutcome(row, users));
    outcomesBySection.set(row.section, list);
  }

  const groups = new Map<string, TermGroup>();
  for (const section of sections) {
    const sectionTerms = outermostTerms(section.termSourcedIds.map((id) => termById.get(id)).filter((t): t is RosterTermRow => t !== undefined));
    const key = sectionTerms.map((t) => t.sourced_id).join('\u0000') || section.termSourcedIds.join('\u0000');
    const group = groups.get(key) ?? { label: termLabel(section, sectionTerms), dates: termDates(sectionTerms), sections: [] };
    const optIn = optIns.get(section.sectionSchoolCode);
    const outcomes = (outcomesBySection.get(section.sectionSchoolCode) ?? []).sort(
      (a, b) => (a.studentName ?? a.student).localeCompare(b.studentName ?? b.student) || (a.gradingPeriod ?? '').localeCompare(b.gradingPeriod ?? ''),
    );
    group.sections.push({
      section,
      schoolName: schoolById.get(section.schoolSourcedId)?.name ?? section.schoolSourcedId,
      optedIn: optIn?.opted_in === 1,
      optInChange: optIn ? { by: optIn.changed_by, at: optIn.changed_at } : null,
      windows: windows.get(section.sectionSchoolCode) ?? { known: false, reason: 'not read' },
      outcomes,
      counts: countByOutcome(outcomes),
    });
    groups.set(key, group);
  }
  return {
    email,
    mustOptIn: deps.config.gradePassback?.teachersMustOptIn === true,
    groups: [...groups.values()].sort((a, b) => (a.dates ?? '').localeCompare(b.dates ?? '') || a.label.localeCompare(b.label)),
    lastRun,
    termTitles: new Map([...termById].map(([id, term]) => [id, term.title])),
  };
}

function toStudentOutcome(row: RowOutcomeRow, users: Map<string, { given_name: string | null; family_name: string | null }>): StudentOutcome {
  const user = row.student ? users.get(row.student) : undefined;
  const name = user ? [user.given_name, user.family_name].filter(Boolean).join(' ') : '';
  return {
    student: row.student ?? '—',
    studentName: name || null,
    gradingPeriod: row.grading_period,
    taskId: row.task_id,
    score: row.score,
    letter: row.letter,
    outcome: row.outcome,
    message: row.message,
  };
}

function countByOutcome(outcomes: readonly StudentOutcome[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * The terms a section is grouped by: those not inside another of its terms. A full-year class
 * listed with its semesters and quarters is grouped under "Semester 1 and Semester 2"; a
 * one-semester class under its semester.
 */
export function outermostTerms(terms: readonly RosterTermRow[]): RosterTermRow[] {
  const within = (inner: RosterTermRow, outer: RosterTermRow) =>
    inner !== outer &&
    inner.start_date !== null &&
    inner.end_date !== null &&
    outer.start_date !== null &&
    outer.end_date !== null &&
    outer.start_date <= inner.start_date &&
    inner.end_date <= outer.end_date &&
    (outer.start_date < inner.start_date || inner.end_date < outer.end_date || outer.sourced_id < inner.sourced_id);
  return terms.filter((t) => !terms.some((other) => within(t, other))).sort((a, b) => (a.start_date ?? '').localeCompare(b.start_date ?? '') || a.title.localeCompare(b.title));
}

function termLabel(section: TeacherSection, terms: readonly RosterTermRow[]): string {
  if (terms.length === 0) return section.termSourcedIds.length ? section.termSourcedIds.join(', ') : 'No term';
  return terms.map((t) => t.title).join(' and ');
}

function termDates(terms: readonly RosterTermRow[]): string | null {
  const starts = terms.flatMap((t) => (t.start_date ? [t.start_date] : [])).sort();
  const ends = terms.flatMap((t) => (t.end_date ? [t.end_date] : [])).sort();
  if (!starts[0] || !ends.at(-1)) return null;
  return `${starts[0].slice(0, 10)} – ${ends.at(-1)?.slice(0, 10)}`;
}
