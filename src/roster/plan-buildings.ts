/**
 * IC schools -> Schoology buildings (`rosterProvisioning.schools`): `building:<id>` maps to an
 * existing building (several schools mapped to one building fold into it), `create` adopts the
 * building whose `building_code` is the school's identifier (else its sourcedId) or creates it, and
 * `skip` or no entry leaves the school and everything under it unprovisioned (`unmapped-school`).
 * Keys are IC sourcedIds or identifiers; `"*"` gives the rule for schools not listed.
 */
import type { PlannedSkip, PlannedWrite } from './plan-types.ts';
import { compareText } from './plan-types.ts';
import type { RosterSchool, SchoologyRef } from './roster-types.ts';
import type { Building } from './schoology/index.ts';

export interface BuildingFields {
  title: string;
  buildingCode: string;
}

export interface BuildingPlan {
  /** Mapped IC school sourcedId -> its building. */
  buildingOf: Map<string, SchoologyRef>;
  writes: PlannedWrite<BuildingFields>[];
  /** Distinct existing buildings used. */
  unchanged: number;
  skipped: PlannedSkip[];
}

export type SchoolRule = { kind: 'building'; id: string } | { kind: 'create' } | { kind: 'skip' };

export function schoolRule(school: RosterSchool, rules: Readonly<Record<string, string>>): SchoolRule {
  const rule = rules[school.sourcedId] ?? (school.identifier !== null ? rules[school.identifier] : undefined) ?? rules['*'];
  if (rule?.startsWith('building:')) return { kind: 'building', id: rule.slice('building:'.length) };
  if (rule === 'create') return { kind: 'create' };
  return { kind: 'skip' };
}

export function buildingCodeOf(school: RosterSchool): string {
  return school.identifier ?? school.sourcedId;
}

export function planBuildings(schools: readonly RosterSchool[], rules: Readonly<Record<string, string>>, existing: readonly Building[]): BuildingPlan {
  const byCode = new Map(existing.flatMap((b) => (b.building_code === undefined ? [] : [[b.building_code, b] as const])));
  const buildingOf = new Map<string, SchoologyRef>();
  const writes = new Map<string, PlannedWrite<BuildingFields>>();
  const used = new Set<string>();
  const skipped: PlannedSkip[] = [];

  for (const school of [...schools].sort((a, b) => compareText(a.sourcedId, b.sourcedId))) {
    const rule = school.status === 'active' ? schoolRule(school, rules) : { kind: 'skip' as const };
    if (rule.kind === 'skip') {
      const message = school.status === 'active' ? 'not mapped in rosterProvisioning.schools' : 'marked tobedeleted in IC';
      skipped.push({ key: buildingCodeOf(school), reason: 'unmapped-school', school: school.sourcedId, section: null, message });
      continue;
    }
    if (rule.kind === 'building') {
      buildingOf.set(school.sourcedId, { id: rule.id });
      used.add(rule.id);
      continue;
    }
    const code = buildingCodeOf(school);
    const found = byCode.get(code);
    if (found) {
      buildingOf.set(school.sourcedId, { id: found.id });
      used.add(found.id);
      continue;
    }
    buildingOf.set(school.sourcedId, { planned: code });
    if (!writes.has(code)) {
      writes.set(code, {
        action: 'create',
        key: code,
        existingId: null,
        fields: { title: school.name, buildingCode: code },
        school: school.sourcedId,
        section: null,
        changes: [],
      });
    }
  }
  return { buildingOf, writes: [...writes.values()], unchanged: used.size, skipped };
}
