/**
 * Which auto-export file a run reads (README "File order"): the regular `.csv` files of the export
 * directory, narrowed to the auto-export process title when one is set, greatest name first.
 */

/** One entry of the remote export directory, as listed over SFTP. */
export interface RemoteEntry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mtimeMs: number;
}

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares names in natural, case-insensitive order; ties (names equal but for case) by code units. */
export function compareExportNames(a: string, b: string): number {
  const natural = naturalOrder.compare(a, b);
  if (natural !== 0) return natural;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-cases and treats `_` as a space, so "Final_Grades" and "final grades" are the same title. */
function titleKey(text: string): string {
  return text.toLowerCase().replaceAll('_', ' ');
}

/**
 * Picks the file to read, or `null` when no entry qualifies.
 *
 * @example selectExportFile(entries, 'Final Grades') // "Final_Grades_20250612_2300.csv" over "..._20250611_2300.csv"
 */
export function selectExportFile<E extends RemoteEntry>(entries: readonly E[], autoExportTitle: string): E | null {
  const title = titleKey(autoExportTitle.trim());
  let best: E | null = null;
  for (const entry of entries) {
    if (entry.type !== 'file' || !entry.name.toLowerCase().endsWith('.csv')) continue;
    if (title !== '' && !titleKey(entry.name).startsWith(title)) continue;
    if (best === null || compareExportNames(entry.name, best.name) > 0) best = entry;
  }
  return best;
}
