/**
 * Roster provisioning benchmark (README "Performance": at most ceil(n/50) bulk calls per kind, plus
 * lookups). A generated district (bench/generate-district.ts; by default 50,000 users, 5,000
 * sections, about 250,000 enrollments) served by the IC sandbox is provisioned into an empty
 * Schoology sandbox, then provisioned again unchanged. Prints, per kind, the objects written, the
 * bulk calls made and ceil(n/50); the wall time of each run with the CPU time gradebridge and the
 * sandboxes each used (the sandboxes run in a child process, so their work does not count against
 * gradebridge); and the peak RSS of this process. IC pages of 50,000 (the largest IC allows) keep
 * the IC sandbox, which renders the whole collection for every page, from dominating.
 *
 *   node --import tsx bench/roster.ts            # the full size
 *   node --import tsx bench/roster.ts --scale 10 # a tenth of it, for a quick look
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rosterProvisioning } from '../pipelines/roster-provisioning.ts';
import { runPipeline } from '../pipelines/run-pipeline.ts';
import type { RosterCounts, RosterKind } from '../pipelines/run-summary.ts';
import { parseConfig } from '../src/config/load.ts';
import { createLogger, silentLogger } from '../src/logger.ts';
import { openStore } from '../src/store/open-store.ts';
import type { BenchDistrictSize } from './generate-district.ts';
import type { RequestSummary, SandboxesReady } from './roster-sandboxes.ts';

const scaleArg = process.argv.indexOf('--scale');
const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
if (!Number.isFinite(scale) || scale < 1) throw new Error('--scale takes a number >= 1 (the district is divided by it)');

// 49,166 students + 834 teachers = 50,000 users; 5 sections each + a teacher per section = 250,830 enrollments.
const size: BenchDistrictSize = {
  students: Math.round(49_166 / scale),
  sections: Math.round(5_000 / scale),
  schools: 10,
  sectionsPerStudent: 5,
  terms: 4,
  overall: false,
};

function nextMessage<T extends { kind: string }>(child: ChildProcess, kind: T['kind']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { kind: string }) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the sandboxes process exited (${code}) before answering ${kind}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const sandboxes = fork(fileURLToPath(new URL('./roster-sandboxes.ts', import.meta.url)), [JSON.stringify(size)], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-bench-roster-'));
try {
  const ready = await nextMessage<SandboxesReady>(sandboxes, 'ready');
  const env = { IC_ID: ready.ic.clientId, IC_SECRET: ready.ic.clientSecret, SGY_KEY: ready.schoology.consumerKey, SGY_SECRET: ready.schoology.consumerSecret };
  const config = parseConfig(
    {
      infiniteCampus: { api: 'oneroster-1.2', baseUrl: ready.ic.baseUrl, tokenUrl: ready.ic.tokenUrl, clientId: { env: 'IC_ID' }, clientSecret: { env: 'IC_SECRET' }, pageSize: 50_000 },
      rosterProvisioning: {
        activeYear: '2026-2027',
        schoology: { baseUrl: ready.schoology.url, consumerKey: { env: 'SGY_KEY' }, consumerSecret: { env: 'SGY_SECRET' }, rateLimit: { requests: 100_000, perSeconds: 1 } },
        schools: { '*': 'create' },
        terms: { '*': 'create' },
        roles: { student: 'Student', teacher: 'Teacher' },
      },
    },
    { baseDir: dir, env },
  );
  const store = await openStore(`sqlite:${path.join(dir, 'bench.db')}`);
  let lastProgress = 0;
  const ctx = {
    config,
    store,
    logger: process.env['BENCH_LOG'] ? createLogger({ level: 'info' }) : silentLogger(),
    now: () => new Date(),
    // A long run shows where it is, on stderr, at most every 10 seconds.
    onProgress: ({ stage, done, total }: { stage: string; done: number; total: number }) => {
      if (Date.now() - lastProgress < 10_000 && done < total) return;
      lastProgress = Date.now();
      process.stderr.write(`  ${stage}: ${done}/${total} (RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB)\n`);
    },
  };
  const { users, sections, enrollments } = ready.district;
  console.log(`district: ${users} users, ${sections} sections, ${enrollments} enrollments${scale > 1 ? ` (1/${scale} of the full size)` : ''}`);

  const run = async (label: string) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const summary = await runPipeline(ctx, 'roster', rosterProvisioning, { trigger: 'cli', dryRun: false, full: false, scope: null });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    sandboxes.send({ kind: 'requests' });
    const requests = await nextMessage<RequestSummary>(sandboxes, 'requests');
    console.log(`\n${label}: ${summary.status} in ${seconds.toFixed(1)} s wall (CPU: gradebridge ${((used.user + used.system) / 1e6).toFixed(1)} s, sandboxes ${requests.cpuSeconds.toFixed(1)} s)`);
    console.log(`Schoology requests: ${requests.reads} reads, ${requests.writes} writes, ${requests.status429} answered 429; peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    return { counts: summary.counts as RosterCounts, requests };
  };

  const first = await run('first run (empty Schoology)');
  const rows: Array<[string, RosterKind, string]> = [
    ['users', 'users', 'users'],
    ['courses', 'courses', 'courses'],
    ['sections', 'sections', 'sections'],
    ['enrollments', 'enrollments', 'enrollments'],
  ];
  console.log('kind         written  bulk calls  ceil(n/50)  largest call');
  for (const [label, kind, bulkKey] of rows) {
    const written = first.counts[kind].created + first.counts[kind].updated;
    const bulk = first.requests.bulk[bulkKey] ?? { calls: 0, items: 0, largest: 0 };
    const bound = kind === 'sections' ? ready.district.sectionCallBound : Math.ceil(written / 50);
    console.log(`${label.padEnd(12)} ${String(written).padStart(7)}  ${String(bulk.calls).padStart(10)}  ${String(bound).padStart(10)}  ${String(bulk.largest).padStart(12)}${kind === 'sections' ? '  (per course: sum of ceil(n_c/50))' : ''}`);
  }
  console.log(`buildings ${first.counts.buildings.created} and grading periods ${first.counts.gradingPeriods.created} created one call each (no bulk form)`);

  const second = await run('second run (unchanged district)');
  console.log(`writes on the unchanged run: ${second.requests.writes}`);
  console.log(`peak RSS of the gradebridge process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await store.close();
} finally {
  sandboxes.send({ kind: 'close' });
  await new Promise((resolve) => sandboxes.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
