/**
 * Whether IC accepts grades for a line item now (infinite-campus-api.md "Grading tasks, line items
 * and windows"): the line item's flag when IC sets it (`true`/`"true"` open), otherwise the grading
 * window dates of its school, task and term; with neither, closed.
 */
import type { IcDatasetGradingWindow, IcDatasetLineItem } from './dataset.ts';

export function isWindowOpen(lineItem: IcDatasetLineItem, windows: readonly IcDatasetGradingWindow[], now: Date): boolean {
  if (lineItem.windowOpen !== undefined) return lineItem.windowOpen === true || lineItem.windowOpen === 'true';
  const t = now.getTime();
  return windows.some((w) => Date.parse(w.opensAt) <= t && t < Date.parse(w.closesAt));
}
