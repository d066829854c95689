/**
 * `PUT results/{sourcedId}` as IC checks it (infinite-campus-api.md "Writing a final grade"):
 * the required fields (400), the line item and student (404), the student's enrollment, the grading
 * window, the score range and the letter scale (422). A new sourcedId is created (201); a known one
 * is replaced (200), never duplicated.
 */
import { z } from 'zod';
import type { District } from './district.ts';
import { isWindowOpen } from './grading-window.ts';
import { json, type Reply, type SandboxRequest } from './http.ts';
import { invalidData, unknownObject, unprocessable } from './imsx.ts';
import type { Renderer } from './render.ts';
import type { ResultStore } from './result-store.ts';

const scoreStatuses = ['exempt', 'fully graded', 'not submitted', 'partially graded', 'submitted'] as const;
const ref = z.looseObject({ sourcedId: z.string().min(1) });

const ResultBody = z.looseObject({
  result: z.looseObject({
    sourcedId: z.string().min(1),
    status: z.literal('active', { error: 'status must be "active"' }),
    dateLastModified: z.iso.datetime({ offset: true, error: 'dateLastModified must be an ISO 8601 date-time' }),
    lineItem: ref,
    student: ref,
    class: ref.nullish(),
    scoreDate: z.iso.date({ error: 'scoreDate must be a date as YYYY-MM-DD' }),
    scoreStatus: z.enum(scoreStatuses).optional(),
    // Checked below: IC answers 422, not 400, for a score it cannot take.
    score: z.unknown().optional(),
    textScore: z.string().nullish(),
    comment: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  }),
});

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

export function putResult(
  req: SandboxRequest,
  pathId: string,
  context: { district: District; view: Renderer; results: ResultStore; now: () => Date },
): Reply {
  const { district, view, results, now } = context;
  let raw: unknown;
  try {
    raw = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw invalidData('The body is not JSON: send {"result": {...}}.');
  }
  const parsed = ResultBody.safeParse(raw);
  if (!parsed.success) throw invalidData(`Invalid result: ${describe(parsed.error)}`);
  const r = parsed.data.result;
  if (r.sourcedId !== pathId) throw invalidData(`result.sourcedId "${r.sourcedId}" differs from the sourcedId in the URL "${pathId}".`);
  if (view.mode === 'oneroster-1.2' && r.scoreStatus === undefined) throw invalidData('Invalid result: scoreStatus is required.');

  const lineItem = district.lineItems.get(r.lineItem.sourcedId);
  if (!lineItem) throw unknownObject(`Unknown lineItem ${r.lineItem.sourcedId}.`);
  const studentId = view.userIdFromClient(r.student.sourcedId);
  const student = studentId === undefined ? undefined : district.users.get(studentId);
  if (!student || !district.hasRole(student, 'student')) throw unknownObject(`Unknown student ${r.student.sourcedId}.`);
  if (r.class && r.class.sourcedId !== lineItem.class)
    throw unprocessable(`class ${r.class.sourcedId} is not the class of lineItem ${lineItem.sourcedId} (${lineItem.class}).`);
  if (!district.isEnrolledAsStudent(student.sourcedId, lineItem.class))
    throw unprocessable(`Student ${r.student.sourcedId} is not enrolled in class ${lineItem.class}.`);
  if (!isWindowOpen(lineItem, district.windowsFor(lineItem), now()))
    throw unprocessable(`The grading window for lineItem ${lineItem.sourcedId} (task ${lineItem.taskId}) is closed.`);

  const score = r.score ?? undefined;
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 100))
    throw unprocessable(`score must be a number from 0 to 100; got ${JSON.stringify(score)}.`);
  const scoreGrade = r.metadata?.['ext_infiniteCampus_scoreGrade'];
  if (scoreGrade !== undefined && scoreGrade !== null && typeof scoreGrade !== 'string')
    throw unprocessable('metadata.ext_infiniteCampus_scoreGrade must be a string.');
  const textScore = r.textScore ?? undefined;
  if (textScore !== undefined && typeof scoreGrade === 'string' && textScore !== scoreGrade)
    throw unprocessable(`textScore "${textScore}" and metadata.ext_infiniteCampus_scoreGrade "${scoreGrade}" differ.`);
  const scale = lineItem.scoreScale ? district.scoreScales.get(lineItem.scoreScale) : undefined;
  for (const letter of [textScore, typeof scoreGrade === 'string' ? scoreGrade : undefined]) {
    if (letter === undefined || !scale) continue;
    const allowed = scale.scoreScaleValue.map((v) => v.itemValueLHS);
    if (!allowed.includes(letter))
      throw unprocessable(`"${letter}" is not on the score scale ${scale.title} of lineItem ${lineItem.sourcedId} (${allowed.join(', ')}).`);
  }

  const created = results.put({
    sourcedId: r.sourcedId,
    lineItemSourcedId: lineItem.sourcedId,
    studentSourcedId: student.sourcedId,
    ...(r.class ? { classSourcedId: r.class.sourcedId } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(textScore !== undefined ? { textScore } : {}),
    ...(r.scoreStatus !== undefined ? { scoreStatus: r.scoreStatus } : {}),
    scoreDate: r.scoreDate,
    ...(r.comment !== undefined && r.comment !== null ? { comment: r.comment } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
    dateLastModified: r.dateLastModified,
  });
  if (created) return { status: 201 };
  const stored = results.get(r.sourcedId);
  return json(200, { result: stored ? view.result(stored) : null });
}
