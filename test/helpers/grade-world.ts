/**
 * The fixture district wired up for end-to-end grade runs: the IC sandbox serving
 * fixtures/district/oneroster.json, the SFTP sandbox serving a copy of fixtures/district/export,
 * a fresh store, and a config file that the real CLI reads. Secrets reach the CLI through env vars.
 */
import { cpSync, mkdtempSync, utimesSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIcSandbox, loadDistrictDataset, fixturesDir, type IcSandbox } from '../../sandbox/ic/server.ts';
import { startSftpSandbox, type SftpSandbox } from '../../sandbox/sftp/server.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { runCli, startCli, type CliResult, type CliRun } from './cli.ts';
import { freshStoreUrl, type StoreKind } from './stores.ts';

/** The scenario's clock (fixtures/district/scenario.md): windows are evaluated at this moment. */
export const scenarioNow = new Date('2026-12-02T15:00:00Z');

export interface GradeWorld {
  ic: IcSandbox;
  sftp: SftpSandbox;
  dir: string;
  exportDir: string;
  configPath: string;
  storeUrl: string;
  env: Record<string, string>;
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  start(args: readonly string[], extraEnv?: Record<string, string>): CliRun;
  openStore(): Promise<Store>;
  close(): Promise<void>;
}

export interface GradeWorldOptions {
  storeKind?: StoreKind;
  /** Extra YAML lines appended to the gradePassback section. */
  gradePassbackYaml?: string;
  /** Replaces the fixture export folder's content. */
  exportFiles?: Record<string, string>;
  tokenLifetimeSeconds?: number;
  /**
   * Where mappings come from: the fixture's mapping file with identity mapping (default), or only
   * what a roster run stored.
   */
  mappings?: 'file-and-identity' | 'roster';
  /** Extra top-level YAML (e.g. a rosterProvisioning section). */
  extraYaml?: string;
  /** The IC connection mode the config uses (default oneroster-1.2). */
  icApi?: 'oneroster-1.2' | 'oneroster-1.1' | 'legacy-learningdata';
}

export async function startGradeWorld(options: GradeWorldOptions = {}): Promise<GradeWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-world-'));
  const sftpRoot = path.join(dir, 'sftp');
  const exportDir = path.join(sftpRoot, 'export');
  if (options.exportFiles) {
    cpSync(path.join(fixturesDir, 'export'), exportDir, { recursive: true, filter: (src) => !src.endsWith('.csv') });
    for (const [name, content] of Object.entries(options.exportFiles)) writeFileSync(path.join(exportDir, name), content);
  } else {
    cpSync(path.join(fixturesDir, 'export'), exportDir, { recursive: true });
  }
  // Exports written an hour before the scenario's clock: old enough for the age guard.
  const written = new Date(scenarioNow.getTime() - 3600_000);
  for (const name of readdirSync(exportDir)) utimesSync(path.join(exportDir, name), written, written);

  const ic = await startIcSandbox({
    dataset: loadDistrictDataset(),
    now: () => scenarioNow,
    ...(options.tokenLifetimeSeconds ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
  });
  const sftp = await startSftpSandbox({ rootDir: sftpRoot, username: 'schoology', password: 'sftp-secret-pw' });
  const storeUrl = freshStoreUrl(options.storeKind ?? 'sqlite');
  const icApi = options.icApi ?? 'oneroster-1.2';
  const legacy = icApi === 'legacy-learningdata';
  const env = {
    IC_CLIENT_ID: legacy ? ic.credentials.consumerKey : ic.credentials.clientId,
    IC_CLIENT_SECRET: legacy ? ic.credentials.consumerSecret : ic.credentials.clientSecret,
    IC_VENDOR_KEY: ic.credentials.vendorKey,
    IC_VENDOR_SECRET: ic.credentials.vendorSecret,
    SFTP_PASSWORD: 'sftp-secret-pw',
    GRADEBRIDGE_NOW: scenarioNow.toISOString(),
  };
  const configPath = path.join(dir, 'gradebridge.yaml');
  writeFileSync(
    configPath,
    `store: ${JSON.stringify(storeUrl)}
timezone: America/Chicago
infiniteCampus:
  api: ${icApi}
  baseUrl: ${ic.baseUrl(icApi)}
${legacy ? '' : `  tokenUrl: ${JSON.stringify(ic.tokenUrl)}\n`}
  clientId: { env: IC_CLIENT_ID }
  clientSecret: { env: IC_CLIENT_SECRET }
  vendorKey: { env: IC_VENDOR_KEY }
  vendorSecret: { env: IC_VENDOR_SECRET }
  timeoutSeconds: 5
gradingWindows:
  calendarFile: ${JSON.stringify(path.join(fixturesDir, 'windows.csv'))}
gradePassback:
  sftp: { host: 127.0.0.1, port: ${sftp.port}, username: schoology, password: { env: SFTP_PASSWORD }, hostKeySha256: "${sftp.hostKeySha256}", remoteDir: /export, timeoutSeconds: 10 }
  autoExportTitle: Final Grades
  termTaskIds: [101, 102]
  overallTaskIds: [102, 201]
  letterGrades: true
  teachersMustOptIn: true
${
  options.mappings === 'roster'
    ? '  identityMapping: false\n'
    : `  mappingFile: ${JSON.stringify(path.join(fixturesDir, 'mapping.csv'))}\n  identityMapping: true\n`
}${(options.gradePassbackYaml ?? '').replace(/^/gm, '  ')}
${options.extraYaml ?? ''}
`,
  );
  return {
    ic,
    sftp,
    dir,
    exportDir,
    configPath,
    storeUrl,
    env,
    run: (args, extraEnv = {}) => runCli([...args, '--config', configPath], { env: { ...env, ...extraEnv } }),
    start: (args, extraEnv = {}) => startCli([...args, '--config', configPath], { env: { ...env, ...extraEnv } }),
    openStore: () => openStore(storeUrl),
    async close() {
      await Promise.all([ic.close(), sftp.close()]);
    },
  };
}
