/**
 * V8 heap settings for gradebridge's processes, set once at start (bin/gradebridge.js; the bench's
 * measured processes call it the same way). On a machine with memory to spare, V8 lets the old
 * generation grow to as much as four times what survived the last full collection, choosing the
 * factor from how fast its last collections ran, so a busy machine made a million-row export's
 * garbage lift the peak by 130 MiB in one run of three. A district server runs other things:
 * gradebridge keeps its heap close to what it holds instead. Measured at 1M rows (bench/,
 * read+transform): peak RSS 294-443 MiB over 6 runs without it (3 over 430), 294-303 MiB over 8
 * runs with it, and no slower.
 */
import { setFlagsFromString } from 'node:v8';

export function keepHeapSmall(): void {
  // The old generation grows by half of what survived a full collection, not by up to four times.
  setFlagsFromString('--heap-growing-percent=50');
  // V8 may decide early in a run that what a code site allocates lives long, and allocate it in the
  // old generation from then on. A parsed export row lives only until its batch is screened, so a
  // wrong guess about one of the reader's sites made the fields of every row survive as old garbage:
  // the read step of a 1M-row dry run took 5.5-5.7 s in two runs of three, 3.2 s in the third; with
  // pretenuring off, 3.5-4.1 s in six runs.
  setFlagsFromString('--no-allocation-site-pretenuring');
}
