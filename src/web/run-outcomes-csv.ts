/**
 * A run's row outcomes as CSV (`GET /runs/<runId>.csv`), streamed page by page from the store so a
 * million-row run never sits in memory. Cells that a spreadsheet would read as a formula get a
 * leading apostrophe: roster text is not ours to trust.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Logger } from 'pino';
import type { Store } from '../store/open-store.ts';
import { listRowOutcomes, rowOutcomeFields, type RowOutcomeFilter } from '../store/row-outcomes.ts';

const pageSize = 2000;

/** `=1+1` -> `'=1+1`; numbers such as `-5` stay as they are. */
export function neutralizeFormula(text: string): string {
  if (/^[=+@\t\r]/.test(text) || (text.startsWith('-') && Number.isNaN(Number(text)))) return `'${text}`;
  return text;
}

export function runOutcomesCsv(store: Store, runId: string, filter: Omit<RowOutcomeFilter, 'limit' | 'offset'>, logger: Logger): Readable {
  const csv = stringify({ header: true, columns: [...rowOutcomeFields], cast: { string: neutralizeFormula } });
  void (async () => {
    for (let offset = 0; ; offset += pageSize) {
      const rows = await listRowOutcomes(store, runId, { ...filter, limit: pageSize, offset });
      for (const row of rows) {
        // A client that went away closes the stream: stop instead of waiting for a drain that never comes.
        if (!csv.write(rowOutcomeFields.map((column) => row[column]))) await Promise.race([once(csv, 'drain'), once(csv, 'close')]);
        if (csv.destroyed) return;
      }
      if (rows.length < pageSize) break;
    }
    csv.end();
  })().catch((error: unknown) => {
    logger.error({ err: error, runId }, 'the run CSV could not be written');
    csv.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return csv;
}
