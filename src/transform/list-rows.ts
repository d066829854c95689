/** How conflict messages name the rows involved: the first few, then how many more. */

/** Rows a conflict message names before `and N more`. */
export const listedRows = 5;

/** `line 3 (95), line 7 (96)`, or `... and 4 more` when `total` exceeds the rows shown. */
export function listRows(shown: readonly string[], total: number): string {
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
