/**
 * Child process: read + transform only. The export file is read by the pipeline's reader and planned
 * by the pipeline's transform, streamed one record at a time as the pipeline does, with mappings,
 * line items and opt-ins already at hand (no SFTP, IC or store).
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { readExportRows } from '../../src/extract/read-export-rows.ts';
import { makeGradeMappings } from '../../src/transform/grade-mappings.ts';
import { GradePlanBuilder } from '../../src/transform/plan-grade-passback.ts';
import type { LineItem } from '../../src/types.ts';
import { answerOnce, peakRssMiB } from '../child.ts';
import { planOptions, readPlanInputs } from '../plan-inputs.ts';

answerOnce(z.strictObject({ file: z.string(), inputsFile: z.string() }), async ({ file, inputsFile }) => {
  const inputs = await readPlanInputs(inputsFile);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const mappings = makeGradeMappings({ mappingFile: null, roster: inputs.roster, identity: null, schoolIdentifiers: new Map() });
  const lineItems = new Map<string, LineItem[]>();
  for (const item of inputs.lineItems) {
    const list = lineItems.get(item.classSourcedId);
    if (list) list.push(item);
    else lineItems.set(item.classSourcedId, [item]);
  }
  const optedIn = new Set(inputs.optedInSections);
  const builder = new GradePlanBuilder({ mappings, isOptedIn: (section) => optedIn.has(section), options: planOptions(inputs) });
  for await (const record of readExportRows(createReadStream(file))) builder.add(record);
  const plan = builder.finish({
    lineItemsFor: (classSourcedId) => lineItems.get(classSourcedId) ?? [],
    isWindowOpen: (item) => item.windowOpenFlag === true,
    ledgerFor: () => undefined,
  });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { rows: plan.rows, outcomes: plan.outcomes.length, planned: plan.planned.length, wallMs, cpuMs: (used.user + used.system) / 1000, peakRssMiB: peakRssMiB() };
});
