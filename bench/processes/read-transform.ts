/**
 * Child process: read + transform only. The export is read by the pipeline's reader and planned by
 * the pipeline's transform, streamed one record at a time as the pipeline does, with mappings, line
 * items and opt-ins already at hand (no IC or store). The bytes come from the local file, or from
 * the bench's SFTP server through the pipeline's streamExport (download, read and transform
 * together, in a process that holds nothing else). Every outcome and planned result is derived, as the pipeline
 * does to store and send them; a first run, so there is no ledger to read.
 */
import './heap-as-cli.ts';
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { readExportRows } from '../../src/extract/read-export-rows.ts';
import { makeGradeMappings } from '../../src/transform/grade-mappings.ts';
import { GradePlanBuilder } from '../../src/transform/plan-grade-passback.ts';
import type { LineItem } from '../../src/types.ts';
import { WorldSpec } from '../world-spec.ts';
import { answerOnce, peakRssMiB } from '../child.ts';
import { planOptions, readPlanInputs, rosterMappingData, type PlanInputs } from '../plan-inputs.ts';

/**
 * The plan's lookups, built as the pipeline builds them. Only they are returned: like the pipeline,
 * which drops the roster rows once its lookups are built, the process does not hold the parsed inputs
 * while the export is read.
 */
function planLookups(inputs: PlanInputs) {
  const mappings = makeGradeMappings({ mappingFile: null, roster: rosterMappingData(inputs), identity: null, schoolIdentifiers: new Map() });
  const lineItems = new Map<string, LineItem[]>();
  for (const item of inputs.lineItems) {
    const list = lineItems.get(item.classSourcedId);
    if (list) list.push(item);
    else lineItems.set(item.classSourcedId, [item]);
  }
  const optedIn = new Set(inputs.optedInSections);
  return { mappings, lineItems, optedIn, options: planOptions(inputs) };
}

const Source = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), file: z.string() }),
  z.strictObject({ kind: z.literal('sftp'), spec: WorldSpec.extend({ storeUrl: z.string() }) }),
]);

type ReadSource = (read: (bytes: Readable) => Promise<void>) => Promise<void>;

/**
 * What hands the export's bytes to `read`: the file, or the download as the pipeline downloads it.
 * Made before the clock starts, as the CLI loads its modules before a run: the SSH client and config
 * modules are loaded only for the SFTP source, so the file's measurement does not carry them.
 */
async function sourceReader(source: z.infer<typeof Source>): Promise<ReadSource> {
  if (source.kind === 'file') return (read) => read(createReadStream(source.file));
  const [{ parseConfig }, { streamExport }] = await Promise.all([import('../../src/config/load.ts'), import('../../src/extract/fetch-export.ts')]);
  const { spec } = source;
  const { gradePassback } = parseConfig(spec.config, { baseDir: spec.dir, env: { ...spec.env } });
  if (!gradePassback) throw new Error('the bench world has no gradePassback config');
  return async (read) => {
    const options = { autoExportTitle: gradePassback.autoExportTitle, minFileAgeSeconds: gradePassback.minFileAgeSeconds, now: new Date() };
    await streamExport(gradePassback.sftp, options, read);
  };
}

answerOnce(z.strictObject({ source: Source, inputsFile: z.string() }), async ({ source, inputsFile }) => {
  let inputs: PlanInputs | null = await readPlanInputs(inputsFile);
  const readSource = await sourceReader(source);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { mappings, lineItems, optedIn, options } = planLookups(inputs);
  inputs = null;
  const builder = new GradePlanBuilder({ mappings, isOptedIn: (section) => optedIn.has(section), options });
  await readSource(async (bytes) => {
    for await (const batch of readExportRows(bytes).batches()) for (const record of batch) builder.add(record);
  });
  const plan = builder.finish({
    lineItemsFor: (classSourcedId) => lineItems.get(classSourcedId) ?? [],
    isWindowOpen: (item) => item.windowOpenFlag === true,
  });
  // Every outcome and planned result is made, as the pipeline makes them to store and send them.
  let outcomes = 0;
  for (const _outcome of plan.outcomes()) outcomes++;
  let planned = 0;
  for (const _result of plan.plannedResults()) planned++;
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { rows: plan.rows, outcomes, planned, wallMs, cpuMs: (used.user + used.system) / 1000, peakRssMiB: peakRssMiB() };
});
