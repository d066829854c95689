/**
 * Writes the grading tasks file (`rosterProvisioning.gradingTasksFile`, CSV): every grading task on
 * the line items of the active year's classes. It reads gradebook endpoints, which need the vendor
 * key: without one, or when IC refuses the gradebook reads, the file is skipped with a warning and
 * the roster is unaffected. Written to a temporary file first, so the status page never serves half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { GradebridgeError } from '../errors.ts';
import type { LineItem } from '../types.ts';
import { collectGradingTasks, gradingTasksCsv } from './grading-tasks.ts';
import { schoolYearOf } from './plan-grading-periods.ts';
import { isActiveYearClass } from './plan-sections.ts';
import type { IcRoster } from './roster-types.ts';

export interface WriteGradingTasksOptions {
  file: string;
  activeYear: string;
  hasVendorKey: boolean;
  logger: Logger;
}

export type GradingTasksFileResult = { written: true; tasks: number } | { written: false; reason: string };

export async function writeGradingTasksFile(
  ic: { readClassLineItems(classSourcedId: string): Promise<LineItem[]> },
  roster: IcRoster,
  options: WriteGradingTasksOptions,
): Promise<GradingTasksFileResult> {
  if (!options.hasVendorKey) {
    const reason = 'infiniteCampus.vendorKey and vendorSecret are not set, so the grading tasks file was not written (the roster is unaffected)';
    options.logger.warn(reason);
    return { written: false, reason };
  }
  const schoolYear = schoolYearOf(options.activeYear);
  const sessions = new Map(roster.sessions.map((s) => [s.sourcedId, s]));
  const courses = new Map(roster.courses.map((c) => [c.sourcedId, c]));
  const classes = roster.classes.filter((c) => c.status === 'active' && isActiveYearClass(c, sessions, schoolYear));
  const lineItems: LineItem[] = [];
  try {
    for (const c of classes) lineItems.push(...(await ic.readClassLineItems(c.sourcedId)));
  } catch (error) {
    if (!(error instanceof GradebridgeError)) throw error;
    const reason = `the grading tasks file was not written (the roster is unaffected): ${error.advice}`;
    options.logger.warn({ code: error.code }, reason);
    return { written: false, reason };
  }
  const classCourse = new Map(classes.map((c) => [c.sourcedId, c.courseSourcedId]));
  const tasks = collectGradingTasks({
    lineItems,
    courseOfClass: (id) => {
      const course = courses.get(classCourse.get(id) ?? '');
      return course ? { sourcedId: course.sourcedId, title: course.title } : null;
    },
    termTitle: (id) => sessions.get(id)?.title ?? null,
  });
  await mkdir(path.dirname(options.file), { recursive: true });
  const partial = `${options.file}.${process.pid}.partial`;
  await writeFile(partial, gradingTasksCsv(tasks), 'utf8');
  await rename(partial, options.file);
  options.logger.info({ file: options.file, tasks: tasks.length }, 'grading tasks file written');
  return { written: true, tasks: tasks.length };
}
