/**
 * Which IC line items a row goes to (design step 5). A term row goes to every line item of its class
 * whose task is a term task and whose term is the row's IC term; an overall row goes to every line
 * item of its class whose task is an overall task. Line items without a task ID are never targeted.
 * Each class's line items are read once per plan and indexed.
 */
import type { LineItem } from '../types.ts';

interface ClassTargets {
  termItemsByTerm: Map<string, LineItem[]>;
  overallItems: LineItem[];
}

export interface LineItemTargets {
  /** Line items a term row in `termSourcedId` reaches. */
  forTermRow(classSourcedId: string, termSourcedId: string): readonly LineItem[];
  /** Line items an overall row reaches. */
  forOverallRow(classSourcedId: string): readonly LineItem[];
  /** A task in both lists: a single-term course, where a term row governs the overall row. */
  isSingleTermTask(taskId: number | null): boolean;
  /** Why a row reaches no line item, for the `no-task` message. */
  noTaskMessage(classSourcedId: string, termSourcedId: string | null): string;
}

export function makeLineItemTargets(
  lineItemsFor: (classSourcedId: string) => readonly LineItem[],
  termTaskIds: readonly number[],
  overallTaskIds: readonly number[],
): LineItemTargets {
  const termTasks = new Set(termTaskIds);
  const overallTasks = new Set(overallTaskIds);
  const byClass = new Map<string, ClassTargets>();

  function targetsOf(classSourcedId: string): ClassTargets {
    let targets = byClass.get(classSourcedId);
    if (!targets) {
      targets = { termItemsByTerm: new Map(), overallItems: [] };
      for (const item of lineItemsFor(classSourcedId)) {
        if (item.taskId === null) continue;
        if (termTasks.has(item.taskId) && item.termSourcedId !== null) {
          const items = targets.termItemsByTerm.get(item.termSourcedId);
          if (items) items.push(item);
          else targets.termItemsByTerm.set(item.termSourcedId, [item]);
        }
        if (overallTasks.has(item.taskId)) targets.overallItems.push(item);
      }
      byClass.set(classSourcedId, targets);
    }
    return targets;
  }

  return {
    forTermRow: (classSourcedId, termSourcedId) => targetsOf(classSourcedId).termItemsByTerm.get(termSourcedId) ?? [],
    forOverallRow: (classSourcedId) => targetsOf(classSourcedId).overallItems,
    isSingleTermTask: (taskId) => taskId !== null && termTasks.has(taskId) && overallTasks.has(taskId),
    noTaskMessage(classSourcedId, termSourcedId) {
      if (termSourcedId === null)
        return overallTaskIds.length === 0
          ? 'no overall grading tasks are configured (overallTaskIds is empty)'
          : `class ${classSourcedId} has no line item for overall task ${overallTaskIds.join(', ')}`;
      return termTaskIds.length === 0
        ? 'no term grading tasks are configured (termTaskIds is empty)'
        : `class ${classSourcedId} has no line item for term task ${termTaskIds.join(', ')} in term ${termSourcedId}`;
    },
  };
}
