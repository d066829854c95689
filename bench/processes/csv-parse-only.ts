/**
 * Child process: the yardstick the design names. csv-parse alone, streaming the same file and
 * counting records, with the options a reader of the export needs (a BOM, relaxed quotes and field
 * counts); nothing else. gradebridge's reader parses with papaparse (src/extract/read-csv-records.ts).
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { answerOnce, peakRssMiB } from '../child.ts';

answerOnce(z.strictObject({ file: z.string() }), async ({ file }) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let records = 0;
  for await (const _record of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true }))) records++;
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { rows: records - 1, wallMs, cpuMs: (used.user + used.system) / 1000, peakRssMiB: peakRssMiB() };
});
