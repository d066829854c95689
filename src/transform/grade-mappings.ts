/**
 * Builds the grade pipeline's lookups from the sources the design lists, in its order: the manual
 * mapping file (periods and the school filter only), then the roster pipeline's stored mappings, then
 * identity (codes that are IC sourcedIds, confirmed by what IC returned). Pure: the pipeline fetches
 * the data and hands it in.
 */
import type { GradeMappings } from './plan-grade-passback.ts';

export interface MappingFileRow {
  gradingPeriod: string;
  icTerm: string;
  /** IC school sourcedId or its `identifier`. */
  school: string;
}

export interface RosterMappingData {
  classes: readonly { sourcedId: string; schoolSourcedId: string }[];
  /** Schoology school_uid -> IC user sourcedId. */
  users: readonly { uid: string; sourcedId: string }[];
  /** Class sourcedId -> the IC sourcedIds of its students (a lookup per row builds no key string). */
  studentsByClass: ReadonlyMap<string, ReadonlySet<string>>;
  terms: readonly { sourcedId: string; schoolSourcedId: string | null; gradingPeriodId: string | null; gradingPeriodTitle: string | null }[];
}

export interface IdentityMappingData {
  /** IC classes found by sourcedId (absent: IC does not know the class). */
  classes: ReadonlyMap<string, { schoolSourcedId: string }>;
  /** IC student sourcedIds listed in each class. */
  classStudents: ReadonlyMap<string, ReadonlySet<string>>;
  /** IC academic session sourcedIds, so a period that *is* a term ID can be confirmed. */
  termIds: ReadonlySet<string>;
}

export interface GradeMappingSources {
  mappingFile: readonly MappingFileRow[] | null;
  roster: RosterMappingData | null;
  identity: IdentityMappingData | null;
  /** IC school sourcedId -> identifier, to match a mapping file's School column written either way. */
  schoolIdentifiers: ReadonlyMap<string, string>;
}

const fold = (value: string): string => value.trim().toLowerCase();

export function makeGradeMappings(sources: GradeMappingSources): GradeMappings {
  const rosterClasses = new Map(sources.roster?.classes.map((c) => [c.sourcedId, c.schoolSourcedId]));
  const rosterUsers = new Map(sources.roster?.users.map((u) => [u.uid, u.sourcedId]));
  const rosterEnrolled: ReadonlyMap<string, ReadonlySet<string>> = sources.roster?.studentsByClass ?? new Map();
  // The closures below keep only these, not the roster rows the lookups were built from.
  const { identity, schoolIdentifiers } = sources;
  const usesMappingFile = sources.mappingFile !== null;
  const schoolKeys = (schoolSourcedId: string): string[] => {
    const identifier = schoolIdentifiers.get(schoolSourcedId);
    return identifier ? [fold(schoolSourcedId), fold(identifier)] : [fold(schoolSourcedId)];
  };

  const fileTerms = new Map<string, string>();
  const fileSchools = new Set<string>();
  for (const row of sources.mappingFile ?? []) {
    fileTerms.set(`${fold(row.gradingPeriod)}\u0000${fold(row.school)}`, row.icTerm);
    fileSchools.add(fold(row.school));
  }
  const rosterTerms = new Map<string, { sourcedId: string; schoolSourcedId: string | null }[]>();
  for (const term of sources.roster?.terms ?? []) {
    for (const key of [term.gradingPeriodId, term.gradingPeriodTitle]) {
      if (!key) continue;
      const list = rosterTerms.get(fold(key)) ?? [];
      list.push({ sourcedId: term.sourcedId, schoolSourcedId: term.schoolSourcedId });
      rosterTerms.set(fold(key), list);
    }
  }

  const findTerm = (gradingPeriod: string, schoolSourcedId: string): string | null => {
    if (usesMappingFile) {
      for (const key of schoolKeys(schoolSourcedId)) {
        const term = fileTerms.get(`${fold(gradingPeriod)}\u0000${key}`);
        if (term) return term;
      }
      return null;
    }
    const candidates = (rosterTerms.get(fold(gradingPeriod)) ?? []).filter(
      (t) => t.schoolSourcedId === null || t.schoolSourcedId === schoolSourcedId,
    );
    // Two IC terms behind one Schoology period for the same school would be a guess: unmapped.
    if (candidates.length === 1) return candidates[0]?.sourcedId ?? null;
    if (candidates.length > 1) return null;
    const period = gradingPeriod.trim();
    return identity?.termIds.has(period) ? period : null;
  };
  const termsSeen = new Map<string, Map<string, string | null>>();

  return {
    classFor(sectionSchoolCode) {
      const rosterSchool = rosterClasses.get(sectionSchoolCode);
      if (rosterSchool !== undefined) return { classSourcedId: sectionSchoolCode, schoolSourcedId: rosterSchool };
      const icClass = identity?.classes.get(sectionSchoolCode);
      return icClass ? { classSourcedId: sectionSchoolCode, schoolSourcedId: icClass.schoolSourcedId } : null;
    },
    schoolIncluded(schoolSourcedId) {
      if (!usesMappingFile) return true;
      return schoolKeys(schoolSourcedId).some((key) => fileSchools.has(key));
    },
    termFor(gradingPeriod, schoolSourcedId) {
      // Asked once per row, about a handful of (period, school) pairs.
      let bySchool = termsSeen.get(gradingPeriod);
      if (!bySchool) {
        bySchool = new Map();
        termsSeen.set(gradingPeriod, bySchool);
      }
      let term = bySchool.get(schoolSourcedId);
      if (term === undefined) {
        term = findTerm(gradingPeriod, schoolSourcedId);
        bySchool.set(schoolSourcedId, term);
      }
      return term;
    },
    studentFor(studentId, classSourcedId) {
      const rosterStudent = rosterUsers.get(studentId);
      if (rosterStudent !== undefined && rosterEnrolled.get(classSourcedId)?.has(rosterStudent)) return rosterStudent;
      return identity?.classStudents.get(classSourcedId)?.has(studentId) ? studentId : null;
    },
  };
}
