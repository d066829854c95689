/**
 * Whether IC's grading window of a line item is open now, at a school (pure; `now` is passed in).
 * - IC's flag decides when it is there: `true` open, `false` closed.
 * - Without it, the window calendar decides: open when an entry for the school (its sourcedId or an
 *   alias such as its `identifier`), the line item's task and term has opensAt <= now < closesAt.
 *   Several entries for one window (a window reopened) are each honoured.
 * - With neither, the line item counts as closed: nothing is posted while in doubt.
 */
import type { LineItem } from '../types.ts';
import type { WindowCalendarEntry } from './window-calendar-entry.ts';

export interface WindowStatusOptions {
  calendar: readonly WindowCalendarEntry[];
  now: Date;
  /** Other names the calendar may use for a school (its `identifier`). */
  schoolAliases?: (schoolSourcedId: string) => readonly string[];
}

export type WindowChecker = (lineItem: LineItem, schoolSourcedId: string) => boolean;

/** When a line item's window next opens or closes, for the status page. */
export interface WindowChange {
  at: Date;
  /** true: it opens then; false: it closes then. */
  opens: boolean;
}

export function makeWindowChecker(options: WindowStatusOptions): WindowChecker {
  const entriesFor = indexCalendar(options);
  const now = options.now.getTime();
  return (lineItem, schoolSourcedId) => {
    if (lineItem.windowOpenFlag !== null) return lineItem.windowOpenFlag;
    return isOpenAt(entriesFor(lineItem, schoolSourcedId), now);
  };
}

/**
 * The next instant after `now` at which the calendar opens or closes the window, or null when IC's
 * flag decides (IC does not say when it changes) or the calendar holds no later change.
 */
export function nextWindowChange(options: WindowStatusOptions, lineItem: LineItem, schoolSourcedId: string): WindowChange | null {
  if (lineItem.windowOpenFlag !== null) return null;
  const entries = indexCalendar(options)(lineItem, schoolSourcedId);
  const now = options.now.getTime();
  const openNow = isOpenAt(entries, now);
  const later = entries
    .flatMap((entry) => [entry.opensAt.getTime(), entry.closesAt.getTime()])
    .filter((instant) => instant > now)
    .sort((a, b) => a - b);
  const change = later.find((instant) => isOpenAt(entries, instant) !== openNow);
  return change === undefined ? null : { at: new Date(change), opens: !openNow };
}

function isOpenAt(entries: readonly WindowCalendarEntry[], instant: number): boolean {
  return entries.some((entry) => entry.opensAt.getTime() <= instant && instant < entry.closesAt.getTime());
}

/** Entries by task and term, then filtered by the school's names. */
function indexCalendar(options: WindowStatusOptions): (lineItem: LineItem, schoolSourcedId: string) => WindowCalendarEntry[] {
  const byTaskAndTerm = new Map<string, WindowCalendarEntry[]>();
  for (const entry of options.calendar) {
    const key = taskTermKey(entry.taskId, entry.term);
    const entries = byTaskAndTerm.get(key);
    if (entries) entries.push(entry);
    else byTaskAndTerm.set(key, [entry]);
  }
  return (lineItem, schoolSourcedId) => {
    if (lineItem.taskId === null || lineItem.termSourcedId === null) return [];
    const entries = byTaskAndTerm.get(taskTermKey(lineItem.taskId, lineItem.termSourcedId));
    if (!entries) return [];
    const names = new Set([schoolSourcedId, ...(options.schoolAliases?.(schoolSourcedId) ?? [])]);
    return entries.filter((entry) => names.has(entry.school));
  };
}

function taskTermKey(taskId: number, term: string): string {
  return `${taskId}\u0000${term}`;
}
