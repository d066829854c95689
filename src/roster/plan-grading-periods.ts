/**
 * IC terms of the active school year -> Schoology grading periods (`rosterProvisioning.terms`).
 *
 * - The terms considered are the academic sessions that active classes of mapped schools use, plus
 *   any listed by sourcedId in `terms`. Sessions of another school year are `other-year`.
 * - `gp:<id>` uses that period as it is. `create` (or `"*": create` for terms not listed) makes a
 *   period with the term's title and dates; terms with the same title and dates share one period
 *   (across schools). The same title with other dates gets ` (<school identifier>)` appended. An
 *   existing period with the chosen title and the same dates is adopted. Anything else is `unmapped-term`.
 * - Which group keeps the plain title: groups are taken in order of title, then most schools, then
 *   earliest dates, then school; a title Schoology already holds with other dates is never reused.
 */
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText } from './plan-types.ts';
import type { RosterClass, RosterSession, SchoologyRef } from './roster-types.ts';
import type { GradingPeriod } from './schoology/index.ts';

export interface GradingPeriodFields {
  title: string;
  start: string;
  end: string;
}

export interface GradingPeriodPlan {
  /** Mapped IC term sourcedId -> its grading period. */
  periodOf: Map<string, SchoologyRef>;
  /** Mapped IC term sourcedId -> the period's title, when known (for the stored mappings). */
  titleOf: Map<string, string>;
  writes: PlannedWrite<GradingPeriodFields>[];
  unchanged: number;
  skipped: PlannedSkip[];
}

/** `2026-2027` -> `2027`: OneRoster counts the year in which a school year ends. */
export function schoolYearOf(activeYear: string): string {
  return activeYear.slice(activeYear.indexOf('-') + 1);
}

/** IC term sourcedId -> the schools of the active classes of mapped schools that use it. */
export function termsUsedByClasses(classes: readonly RosterClass[], mappedSchools: ReadonlySet<string>): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  for (const c of classes) {
    if (c.status !== 'active' || !mappedSchools.has(c.schoolSourcedId)) continue;
    for (const term of c.termSourcedIds) {
      const schools = used.get(term) ?? new Set<string>();
      schools.add(c.schoolSourcedId);
      used.set(term, schools);
    }
  }
  return used;
}

export interface PlanGradingPeriodsInput {
  sessions: readonly RosterSession[];
  /** From termsUsedByClasses. */
  usedBy: ReadonlyMap<string, ReadonlySet<string>>;
  rules: Readonly<Record<string, string>>;
  /** `2027` for 2026-2027. */
  schoolYear: string;
  existing: readonly GradingPeriod[];
  /** An IC school's label for titles: its identifier, else its sourcedId; null for an org that is not a school. */
  schoolLabel: (orgSourcedId: string) => string | null;
}

interface CreateGroup {
  title: string;
  start: string;
  end: string;
  terms: RosterSession[];
  /** Labels of the schools the terms belong to, sorted. */
  labels: string[];
  school: string | null;
}

export function planGradingPeriods(input: PlanGradingPeriodsInput): GradingPeriodPlan {
  const periodOf = new Map<string, SchoologyRef>();
  const titleOf = new Map<string, string>();
  const skipped: PlannedSkip[] = [];
  const usedIds = new Set<string>();
  const existingById = new Map(input.existing.map((p) => [p.id, p]));
  const groups = new Map<string, CreateGroup>();

  const candidates = input.sessions
    .filter((s) => s.status === 'active' && (input.usedBy.has(s.sourcedId) || input.rules[s.sourcedId] !== undefined))
    .sort((a, b) => compareText(a.sourcedId, b.sourcedId));

  for (const term of candidates) {
    const schools = [...(input.usedBy.get(term.sourcedId) ?? [])].sort(compareText);
    const ownSchool = term.orgSourcedId !== null && input.schoolLabel(term.orgSourcedId) !== null ? term.orgSourcedId : null;
    const school = ownSchool ?? schools[0] ?? null;
    const skip = (reason: PlannedSkip['reason'], message: string) =>
      skipped.push({ key: term.title, reason, school, section: null, message: `${term.sourcedId}: ${message}` });

    if (term.schoolYear !== input.schoolYear) {
      skip('other-year', `school year ${term.schoolYear ?? 'unknown'}, not ${input.schoolYear}`);
      continue;
    }
    const rule = input.rules[term.sourcedId] ?? input.rules['*'];
    if (rule?.startsWith('gp:')) {
      const id = rule.slice('gp:'.length);
      periodOf.set(term.sourcedId, { id });
      const known = existingById.get(id);
      if (known) titleOf.set(term.sourcedId, known.title);
      usedIds.add(id);
      continue;
    }
    if (rule !== 'create') {
      skip('unmapped-term', rule === 'skip' ? 'set to skip in rosterProvisioning.terms' : 'not mapped in rosterProvisioning.terms');
      continue;
    }
    if (term.startDate === null || term.endDate === null) {
      skip('unmapped-term', 'IC gives the term no start or end date, so no grading period can be created');
      continue;
    }
    const key = `${term.title}\u0000${term.startDate}\u0000${term.endDate}`;
    const group = groups.get(key) ?? { title: term.title, start: term.startDate, end: term.endDate, terms: [], labels: [], school };
    group.terms.push(term);
    const labels = new Set(group.labels);
    for (const s of ownSchool ? [ownSchool] : schools) labels.add(input.schoolLabel(s) ?? s);
    group.labels = [...labels].sort(compareText);
    groups.set(key, group);
  }

  const existingByTitle = new Map(input.existing.map((p) => [p.title, p]));
  const claimed = new Set<string>();
  const writes: PlannedWrite<GradingPeriodFields>[] = [];
  const ordered = [...groups.values()].sort(
    (a, b) =>
      compareText(a.title, b.title) ||
      b.labels.length - a.labels.length ||
      compareText(a.start, b.start) ||
      compareText(a.end, b.end) ||
      compareText(a.labels[0] ?? '', b.labels[0] ?? ''),
  );
  for (const group of ordered) {
    const choices = [group.title, ...group.labels.map((label) => `${group.title} (${label})`)];
    const title = choices.find((t) => {
      const held = existingByTitle.get(t);
      return !claimed.has(t) && (held === undefined || (held.start === group.start && held.end === group.end));
    });
    if (title === undefined) {
      for (const term of group.terms) {
        skipped.push({
          key: term.title,
          reason: 'grading-period-title-taken',
          school: group.school,
          section: null,
          message: `${term.sourcedId}: every title tried (${choices.join(', ')}) is held by a grading period with other dates`,
        });
      }
      continue;
    }
    claimed.add(title);
    const held = existingByTitle.get(title);
    const ref: SchoologyRef = held ? { id: held.id } : { planned: title };
    if (held) usedIds.add(held.id);
    else writes.push({ action: 'create', key: title, existingId: null, fields: { title, start: group.start, end: group.end }, school: group.school, section: null, changes: [] });
    for (const term of group.terms) {
      periodOf.set(term.sourcedId, ref);
      titleOf.set(term.sourcedId, title);
    }
  }
  return { periodOf, titleOf, writes, unchanged: usedIds.size, skipped };
}
