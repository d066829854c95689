/**
 * The grading tasks seen on IC line items, for the admin choosing `termTaskIds` and
 * `overallTaskIds`: each task's ID, its name(s), and the courses and terms where it appears. Pure.
 */
import { stringify } from 'csv-stringify/sync';
import type { LineItem } from '../types.ts';
import { compareText } from './plan-types.ts';

export interface GradingTask {
  taskId: number;
  names: string[];
  /** `Title (sourcedId)`, sorted. */
  courses: string[];
  terms: string[];
}

export interface GradingTaskSources {
  lineItems: readonly LineItem[];
  courseOfClass: (classSourcedId: string) => { sourcedId: string; title: string } | null;
  termTitle: (termSourcedId: string) => string | null;
}

export function collectGradingTasks(sources: GradingTaskSources): GradingTask[] {
  const tasks = new Map<number, { names: Set<string>; courses: Set<string>; terms: Set<string> }>();
  for (const item of sources.lineItems) {
    if (item.taskId === null) continue;
    const task = tasks.get(item.taskId) ?? { names: new Set<string>(), courses: new Set<string>(), terms: new Set<string>() };
    task.names.add(item.title);
    const course = sources.courseOfClass(item.classSourcedId);
    if (course) task.courses.add(`${course.title} (${course.sourcedId})`);
    if (item.termSourcedId) task.terms.add(`${sources.termTitle(item.termSourcedId) ?? item.termSourcedId} (${item.termSourcedId})`);
    tasks.set(item.taskId, task);
  }
  return [...tasks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([taskId, t]) => ({ taskId, names: [...t.names].sort(compareText), courses: [...t.courses].sort(compareText), terms: [...t.terms].sort(compareText) }));
}

export function gradingTasksCsv(tasks: readonly GradingTask[]): string {
  return stringify(
    tasks.map((t) => [String(t.taskId), t.names.join('; '), t.courses.join('; '), t.terms.join('; ')]),
    { header: true, columns: ['Task ID', 'Task Name', 'Courses', 'Terms'] },
  );
}
