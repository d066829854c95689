/**
 * A bench district wired up like a real deployment: the auto-export on the SFTP sandbox, the district
 * in the IC sandbox (both in a child process of their own), a store holding the roster mappings a
 * roster run would have written and the teachers' opt-ins, and the config that points at all of it.
 * Measurement children get a `WorldSpec` (plain data) and build the pipeline context from it.
 */
import { copyFile, mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { openStore } from '../src/store/open-store.ts';
import { setOptIn } from '../src/store/opt-ins.ts';
import { replaceRosterSnapshot } from '../src/store/roster-mappings.ts';
import { startOpenSshSftp } from '../test/helpers/sshd.ts';
import { runInChild, startChildService, type ChildService } from './child.ts';
import type { WorldSpec } from './world-spec.ts';
import { exportTitle, generateDistrict, writeExportCsv, type BenchDistrict, type BenchDistrictSize, type WriteExportOptions, type WrittenExport } from './generate-district.ts';

export const SandboxesReady = z.strictObject({
  icUrl: z.string(),
  icBaseUrl: z.string(),
  icTokenUrl: z.string(),
  icCredentials: z.strictObject({ clientId: z.string(), clientSecret: z.string(), vendorKey: z.string(), vendorSecret: z.string() }),
  sftpPort: z.number(),
  sftpHostKeySha256: z.string(),
});
export type SandboxesReady = z.infer<typeof SandboxesReady>;


const IcRequestRecord = z.looseObject({
  n: z.number(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  service: z.string(),
  fault: z.string().optional(),
});
export type IcRequestRecord = z.infer<typeof IcRequestRecord>;

const IcStoredResult = z.looseObject({ sourcedId: z.string(), writes: z.number(), score: z.number().optional() });
export type IcStoredResult = z.infer<typeof IcStoredResult>;

export interface IcFaultSettings {
  latencyMs?: number;
  rate429?: number;
  rate5xx?: number;
  retryAfterSeconds?: number;
  seed?: number;
  only?: 'token' | 'rostering' | 'gradebook' | 'writes';
}

/** The IC sandbox, steered over its HTTP controls from any process. */
export interface IcControls {
  requests(): Promise<IcRequestRecord[]>;
  results(): Promise<IcStoredResult[]>;
  resetRequests(): Promise<void>;
  setFaults(settings: IcFaultSettings): Promise<void>;
  clearFaults(): Promise<void>;
}

export function icControls(icUrl: string): IcControls {
  const call = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${icUrl}/_sandbox/${route}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`IC sandbox control ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    requests: async () => z.array(IcRequestRecord).parse(await call('GET', 'requests')),
    results: async () => z.array(IcStoredResult).parse(await call('GET', 'results')),
    resetRequests: async () => void (await call('POST', 'reset-requests')),
    setFaults: async (settings) => void (await call('POST', 'faults', settings)),
    clearFaults: async () => void (await call('DELETE', 'faults')),
  };
}

export interface BenchWorld {
  /** A temporary folder holding the SFTP root, the stores and any inputs a bench writes; removed on close. */
  dir: string;
  /** Which server the export is downloaded from, for the results. */
  sftpServer: string;
  ic: IcControls;
  /** The first export, written at start. */
  firstExport: WrittenExport & { file: string };
  /** A spec for a child, on a store that is a fresh copy of the prepared one. */
  spec(options?: { concurrency?: number }): Promise<WorldSpec & { storeUrl: string }>;
  /** Adds a later export (a greater name, so the pipeline picks it). */
  addExport(stamp: string, options: WriteExportOptions): Promise<WrittenExport & { file: string }>;
  close(): Promise<void>;
}

export interface BenchWorldOptions {
  size: BenchDistrictSize;
  exportSeed: number;
  log?: (line: string) => void;
}

const sftpPassword = 'bench-sftp-password';

/** The `gradePassback.sftp` config that reaches the export server, and what that server is. */
interface ExportServer {
  description: string;
  config: Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * The export is served by OpenSSH, as a district's export server is: the SFTP sandbox (ssh2, in
 * Node) answers reads of 32 KiB where OpenSSH answers 255 KiB, and its own encryption takes a share
 * of the 2 cores, so it measured itself more than gradebridge. Without sshd (or with
 * BENCH_SFTP=sandbox) the sandbox serves it, and the results say so.
 */
async function startExportServer(sftpRoot: string, sandbox: SandboxesReady, log: (line: string) => void): Promise<ExportServer> {
  const sandboxServer: ExportServer = {
    description: 'the SFTP sandbox (ssh2)',
    config: { port: sandbox.sftpPort, username: 'schoology', password: { env: 'SFTP_PASSWORD' }, hostKeySha256: sandbox.sftpHostKeySha256, remoteDir: '/export' },
    close: async () => undefined,
  };
  if (process.env['BENCH_SFTP'] === 'sandbox') return sandboxServer;
  try {
    const sshd = await startOpenSshSftp({ rootDir: sftpRoot });
    return {
      description: 'OpenSSH sshd (internal-sftp)',
      config: {
        port: sshd.port,
        username: sshd.username,
        privateKey: { file: sshd.privateKeyPath },
        hostKeySha256: sshd.hostKeySha256,
        remoteDir: path.join(sftpRoot, 'export'),
      },
      close: () => sshd.close(),
    };
  } catch (error) {
    log(`OpenSSH could not serve the export, so the SFTP sandbox does: ${error instanceof Error ? error.message : String(error)}`);
    return { ...sandboxServer, description: `${sandboxServer.description}; OpenSSH did not start` };
  }
}

const exportWritten = new Date(Date.now() - 3600_000);

function exportName(stamp: string): string {
  return `${exportTitle}_${stamp}.csv`;
}

export async function startBenchWorld(options: BenchWorldOptions): Promise<BenchWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gradebridge-bench-'));
  const sftpRoot = path.join(dir, 'sftp');
  const exportDir = path.join(sftpRoot, 'export');
  await mkdir(exportDir, { recursive: true });
  let sandboxes: ChildService<SandboxesReady> | undefined;
  let exportServer: ExportServer | undefined;
  try {
    const addExport = async (stamp: string, exportOptions: WriteExportOptions) => {
      const file = path.join(exportDir, exportName(stamp));
      const written = await writeExportCsv(options.size, file, exportOptions);
      await utimes(file, exportWritten, exportWritten);
      return { ...written, file };
    };
    const firstExport = await addExport('20261202_013000', { seed: options.exportSeed });
    sandboxes = await startChildService('processes/sandboxes.ts', { size: options.size, sftpRoot, sftpPassword }, SandboxesReady);
    const ready = sandboxes.value;
    exportServer = await startExportServer(sftpRoot, ready, options.log ?? (() => undefined));
    const template = path.join(dir, 'template.db');
    const { gradePassback } = await prepareStore(template, options.size);
    const service = sandboxes;
    const server = exportServer;
    let stores = 0;

    return {
      dir,
      sftpServer: server.description,
      ic: icControls(ready.icUrl),
      firstExport,
      async spec(specOptions = {}) {
        const file = path.join(dir, `store-${++stores}.db`);
        await copyFile(template, file);
        const storeUrl = `sqlite:${file}`;
        return { ...worldSpec(dir, ready, server.config, storeUrl, gradePassback, specOptions.concurrency ?? 1), storeUrl };
      },
      addExport,
      async close() {
        await Promise.all([service.close(), server.close()]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await exportServer?.close();
    await sandboxes?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The roster mappings and opt-ins, written once; each measurement runs on a copy. */
async function prepareStore(file: string, size: BenchDistrictSize): Promise<Pick<BenchDistrict, 'gradePassback'>> {
  const district = generateDistrict(size);
  const store = await openStore(`sqlite:${file}`);
  try {
    await replaceRosterSnapshot(store, district.roster);
    const at = new Date('2026-11-01T12:00:00Z');
    for (const section of district.optedInSections) await setOptIn(store, section, true, 'bench', at);
  } finally {
    await store.close();
  }
  return { gradePassback: district.gradePassback };
}

function worldSpec(
  dir: string,
  ready: SandboxesReady,
  sftp: Record<string, unknown>,
  storeUrl: string,
  gradePassback: BenchDistrict['gradePassback'],
  concurrency: number,
): WorldSpec {
  return {
    dir,
    icUrl: ready.icUrl,
    env: {
      IC_CLIENT_ID: ready.icCredentials.clientId,
      IC_CLIENT_SECRET: ready.icCredentials.clientSecret,
      IC_VENDOR_KEY: ready.icCredentials.vendorKey,
      IC_VENDOR_SECRET: ready.icCredentials.vendorSecret,
      SFTP_PASSWORD: sftpPassword,
    },
    config: {
      store: storeUrl,
      timezone: 'America/Chicago',
      infiniteCampus: {
        baseUrl: ready.icBaseUrl,
        tokenUrl: ready.icTokenUrl,
        clientId: { env: 'IC_CLIENT_ID' },
        clientSecret: { env: 'IC_CLIENT_SECRET' },
        vendorKey: { env: 'IC_VENDOR_KEY' },
        vendorSecret: { env: 'IC_VENDOR_SECRET' },
      },
      gradePassback: {
        sftp: { host: '127.0.0.1', ...sftp, timeoutSeconds: 120 },
        ...gradePassback,
        concurrency,
      },
    },
  };
}

export const PipelineRunResult = z.strictObject({
  summary: z.looseObject({
    status: z.string(),
    counts: z.looseObject({
      rows: z.number(),
      planned: z.number(),
      posted: z.number(),
      unchanged: z.number(),
      failed: z.number(),
      skipped: z.record(z.string(), z.number()),
    }),
    error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  }),
  wallMs: z.number(),
  cpuMs: z.number(),
  /** IC requests as the client saw them: attempts (retries included) and the span of the result PUTs. */
  icAttempts: z.strictObject({
    reads: z.number(),
    puts: z.number(),
    putsAccepted: z.number(),
    putWindowMs: z.number(),
    /** One PUT attempt as the client timed it, request to answer; null without PUTs. */
    putMedianMs: z.number().nullable(),
  }),
  /** The pipeline's log lines, in ms from the start of the run. */
  marks: z.array(z.strictObject({ msg: z.string(), atMs: z.number(), rssMiB: z.number(), heapMiB: z.number() })),
  peakRssMiB: z.number(),
  /** The largest RSS sampled (every 100 ms: a sample costs the measured process about 0.4 ms) and the log line before it: which step the peak is in. */
  peakSample: z.strictObject({ rssMiB: z.number(), after: z.string() }),
});
export type PipelineRunResult = z.infer<typeof PipelineRunResult>;

export interface PipelineRunRequest {
  dryRun: boolean;
  full: boolean;
  trigger: 'cli' | 'schedule';
}

/** One grade passback run in a fresh process; a run that did not succeed is an error here. */
export async function runPipelineInChild(spec: WorldSpec & { storeUrl: string }, request: PipelineRunRequest): Promise<PipelineRunResult> {
  const result = await runInChild('processes/pipeline-run.ts', { spec, ...request }, PipelineRunResult, 20 * 60_000);
  if (result.summary.status !== 'succeeded') {
    throw new Error(`the bench run ended ${result.summary.status}: ${result.summary.error?.message ?? JSON.stringify(result.summary.counts)}`);
  }
  return result;
}

/** Milliseconds between two of the pipeline's log lines (NaN when one is missing). */
export function between(result: PipelineRunResult, fromMsg: string, toMsg: string): number {
  const from = result.marks.find((mark) => mark.msg === fromMsg);
  const to = result.marks.find((mark) => mark.msg === toMsg);
  return from && to ? to.atMs - from.atMs : Number.NaN;
}

/**
 * The ledger as if every result a dry run planned had been posted: a term's steady state, where a
 * scheduled run's plan reads an entry for each of its results. Copied from the run's outcomes in
 * one statement (posting a million results to the sandbox would take hours).
 */
export async function recordPlannedAsPosted(storeUrl: string): Promise<number> {
  const store = await openStore(storeUrl);
  try {
    const inserted = await sql`
      insert or ignore into ledger (result_sourced_id, line_item_sourced_id, student_sourced_id, class_sourced_id, score, letter, posted_at, run_id)
      select result_sourced_id, line_item_sourced_id, student_sourced_id, class_sourced_id, score, letter, '2026-12-02T00:00:00.000Z', run_id
      from row_outcomes where outcome = 'planned'`.execute(store.db);
    return Number(inserted.numAffectedRows ?? 0);
  } finally {
    await store.close();
  }
}
