/**
 * Writes the planned sections: new ones created in bulk under their course (`POST
 * /courses/{id}/sections`, 50 a call per course), changed ones updated by their ID (`PUT
 * /sections/{id}`), never matched by section code. A grading period that failed to be created is
 * left out of the section's list; a section left with none, or whose course failed, is skipped.
 */
import type { ApplyContext } from './apply-context.ts';
import { applySlice, dependencyFailed, flushLog, refusalMessage, resolveRef } from './apply-context.ts';
import type { SectionFields } from './plan-sections.ts';
import type { KindPlan, PlannedWrite } from './plan-types.ts';
import type { NewSection } from './schoology/index.ts';

export async function applySections(ctx: ApplyContext, plan: KindPlan<SectionFields>): Promise<void> {
  const byCourse = new Map<string, Array<{ write: PlannedWrite<SectionFields>; section: NewSection }>>();
  const updates: Array<{ write: PlannedWrite<SectionFields>; section: NewSection }> = [];
  for (const write of plan.writes) {
    const periods = write.fields.gradingPeriods.map((ref) => resolveRef(ctx.created.gradingPeriods, ref)).filter((id): id is string => id !== null);
    if (periods.length === 0) {
      dependencyFailed(ctx, 'sections', write, 'none of its grading periods');
      continue;
    }
    const section: NewSection = {
      title: write.fields.title,
      section_code: write.fields.sectionCode,
      section_school_code: write.fields.sectionSchoolCode,
      grading_periods: periods,
    };
    if (write.action === 'update') {
      updates.push({ write, section });
      continue;
    }
    const courseId = resolveRef(ctx.created.courses, write.fields.course);
    if (courseId === null) {
      dependencyFailed(ctx, 'sections', write, 'its course');
      continue;
    }
    const group = byCourse.get(courseId) ?? [];
    group.push({ write, section });
    byCourse.set(courseId, group);
  }

  const total = plan.writes.length;
  let done = 0;
  for (const [courseId, group] of byCourse) {
    for (let start = 0; start < group.length; start += applySlice) {
      const slice = group.slice(start, start + applySlice);
      const results = await ctx.client.createSections(courseId, slice.map((s) => s.section));
      for (const result of results) {
        const { write } = slice[result.index]!;
        if (result.ok && result.id !== undefined) {
          ctx.sectionIds.set(write.fields.sectionSchoolCode, result.id);
          ctx.log.wrote('sections', write, 'created');
        } else {
          ctx.log.wrote('sections', write, 'failed', result.message ?? `Schoology answered ${result.code}${result.ok ? ' without a section ID' : ''}`);
        }
      }
      done += slice.length;
      ctx.onProgress?.({ stage: 'sections', done, total });
    }
    await flushLog(ctx);
  }
  for (const { write, section } of updates) {
    try {
      // The section school code is its key and never changes, so it is not sent.
      await ctx.client.updateSection(write.existingId as string, { title: section.title, section_code: section.section_code, grading_periods: section.grading_periods });
      ctx.log.wrote('sections', write, 'updated');
    } catch (error) {
      ctx.log.wrote('sections', write, 'failed', refusalMessage(error));
    }
    done += 1;
    ctx.onProgress?.({ stage: 'sections', done, total });
  }
  await flushLog(ctx);
}
