/**
 * The grading-task line items of a class (`GET /classes/{id}/lineItems`), as the transform needs
 * them. Where IC keeps the task ID, the term and the window flag is configuration
 * (`infiniteCampus.lineItemFields`, dot paths; the term has a list of candidates, first found wins),
 * because IC's exact field names are an assumption (infinite-campus-api.md "Grading tasks").
 * Line items IC marks `tobedeleted` are left out: nothing is posted to them.
 */
import type { InfiniteCampusConfig } from '../config/schema.ts';
import type { LineItem } from '../types.ts';
import type { IcConnection } from './ic-connection.ts';
import { readCollection } from './ic-read.ts';
import { IcLineItem } from './ic-schemas.ts';
import { icPath } from './ic-urls.ts';

export type LineItemFields = InfiniteCampusConfig['lineItemFields'];

/** The value at a dot path such as `metadata.ext_infiniteCampus_gradingTaskID`, or undefined. */
export function valueAtPath(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A task ID is an integer, or a string of digits; anything else is no task ID. */
export function taskIdFrom(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    const id = Number(value);
    return Number.isSafeInteger(id) ? id : null;
  }
  return null;
}

/** `true`/`"true"` open, `false`/`"false"` closed, anything else: IC does not say. */
export function windowFlagFrom(value: unknown): boolean | null {
  if (value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true')) return true;
  if (value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false')) return false;
  return null;
}

export function toLineItem(item: IcLineItem, classSourcedId: string, fields: LineItemFields): LineItem {
  const term = fields.term.map((path) => valueAtPath(item, path)).find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return {
    sourcedId: item.sourcedId,
    classSourcedId: item.class?.sourcedId ?? classSourcedId,
    title: item.title,
    taskId: taskIdFrom(valueAtPath(item, fields.taskId)),
    termSourcedId: term ?? null,
    windowOpenFlag: windowFlagFrom(valueAtPath(item, fields.windowOpen)),
  };
}

export async function readClassLineItems(
  connection: IcConnection,
  classSourcedId: string,
  fields: LineItemFields,
  pageSize: number,
): Promise<LineItem[]> {
  const items = await readCollection(connection, 'gradebook', icPath`/classes/${classSourcedId}/lineItems`, 'lineItems', IcLineItem, pageSize);
  return items.filter((item) => item.status !== 'tobedeleted').map((item) => toLineItem(item, classSourcedId, fields));
}
