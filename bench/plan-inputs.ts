/**
 * What the plan needs besides the export, for the "read + transform only" measurement: the roster
 * mappings, each class's line items as the IC client returns them, and the opted-in sections, shaped
 * the way the pipeline hands them to the transform. Written once by the parent as JSON.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { defaults } from '../src/config/schema.ts';
import { LineItem } from '../src/types.ts';
import type { RosterMappingData } from '../src/transform/grade-mappings.ts';
import type { GradePlanOptions } from '../src/transform/plan-grade-passback.ts';
import { generateDistrict, type BenchDistrictSize } from './generate-district.ts';

export const PlanInputs = z.strictObject({
  roster: z.strictObject({
    classes: z.array(z.strictObject({ sourcedId: z.string(), schoolSourcedId: z.string() })),
    users: z.array(z.strictObject({ uid: z.string(), sourcedId: z.string() })),
    /** Class -> its students, as the store's roster read hands them over (no object per enrollment). */
    studentsByClass: z.record(z.string(), z.array(z.string())),
    terms: z.array(
      z.strictObject({ sourcedId: z.string(), schoolSourcedId: z.string().nullable(), gradingPeriodId: z.string().nullable(), gradingPeriodTitle: z.string().nullable() }),
    ),
  }),
  lineItems: z.array(LineItem),
  optedInSections: z.array(z.string()),
  termTaskIds: z.array(z.number()),
  overallTaskIds: z.array(z.number()),
});
export type PlanInputs = z.infer<typeof PlanInputs>;

export async function writePlanInputs(size: BenchDistrictSize, file: string): Promise<void> {
  const district = generateDistrict(size);
  const { roster } = district;
  const inputs: PlanInputs = {
    roster: {
      classes: roster.classes.map((c) => ({ sourcedId: c.sourced_id, schoolSourcedId: c.school_sourced_id })),
      users: roster.users.map((u) => ({ uid: u.uid, sourcedId: u.sourced_id })),
      studentsByClass: studentsByClass(roster.enrollments),
      terms: roster.terms.map((t) => ({
        sourcedId: t.sourced_id,
        schoolSourcedId: t.school_sourced_id,
        gradingPeriodId: t.grading_period_id,
        gradingPeriodTitle: t.grading_period_title,
      })),
    },
    lineItems: (district.dataset.lineItems ?? []).map((item) => ({
      sourcedId: item.sourcedId,
      classSourcedId: item.class,
      title: item.title,
      taskId: Number(item.taskId),
      termSourcedId: item.gradingPeriod,
      windowOpenFlag: item.windowOpen === true || item.windowOpen === 'true',
    })),
    optedInSections: district.optedInSections,
    termTaskIds: district.gradePassback.termTaskIds,
    overallTaskIds: district.gradePassback.overallTaskIds,
  };
  await writeFile(file, JSON.stringify(inputs));
}

function studentsByClass(enrollments: readonly { class_sourced_id: string; user_sourced_id: string; role: string }[]): Record<string, string[]> {
  const byClass: Record<string, string[]> = {};
  for (const e of enrollments) if (e.role === 'student') (byClass[e.class_sourced_id] ??= []).push(e.user_sourced_id);
  return byClass;
}

/** The roster part as makeGradeMappings takes it; each student ID held once, as the store's reader holds it. */
export function rosterMappingData(inputs: PlanInputs): RosterMappingData {
  const { studentsByClass: byClass, ...rest } = inputs.roster;
  const studentIds = new Map<string, string>();
  const once = (id: string): string => studentIds.get(id) ?? (studentIds.set(id, id), id);
  return { ...rest, studentsByClass: new Map(Object.entries(byClass).map(([cls, students]) => [cls, new Set(students.map(once))])) };
}

export async function readPlanInputs(file: string): Promise<PlanInputs> {
  return PlanInputs.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** What the pipeline passes for this district: the config's defaults, letter grades on, teachers opt in. */
export function planOptions(inputs: PlanInputs): GradePlanOptions {
  return {
    termTaskIds: inputs.termTaskIds,
    overallTaskIds: inputs.overallTaskIds,
    letterGrades: true,
    overallPeriodValues: [...defaults.overallPeriodValues],
    scoreDecimals: defaults.scoreDecimals,
    maxScore: defaults.maxScore,
    decimalSeparator: '.',
    teachersMustOptIn: true,
    postComments: false,
    full: false,
  };
}
