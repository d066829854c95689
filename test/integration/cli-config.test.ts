import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../../bin/gradebridge.js');

function runCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: os.tmpdir(), ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeConfig(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-cli-'));
  const file = path.join(dir, 'gradebridge.yaml');
  writeFileSync(file, yaml);
  return file;
}

const validYaml = `
infiniteCampus:
  baseUrl: http://127.0.0.1:1/campus/api/oneroster/v1p2/district
  tokenUrl: http://127.0.0.1:1/campus/oauth2/token?appName=district
  clientId: { env: IC_ID }
  clientSecret: { env: IC_SECRET }
gradePassback:
  sftp: { host: 127.0.0.1, port: 1, username: u, password: { env: IC_SECRET }, hostKeyCheck: false }
  termTaskIds: [101]
`;

describe('gradebridge CLI: bad usage and bad config exit 2 before any run', () => {
  it('names a missing secret env var', () => {
    const { code, stderr, stdout } = runCli(['run', 'grades', '--json', '--config', writeConfig(validYaml)], { IC_ID: 'id' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/infiniteCampus\.clientSecret: environment variable IC_SECRET is not set/);
  });

  it('names an unknown key', () => {
    const { code, stderr } = runCli(['run', 'grades', '--config', writeConfig(`${validYaml}extra: 1\n`)], { IC_ID: 'id', IC_SECRET: 'shh-very-secret' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('config error: unknown key extra');
  });

  it('names a malformed task ID list', () => {
    const { code, stderr } = runCli(['run', 'grades', '--config', writeConfig(validYaml.replace('[101]', '[101, Q2]'))], { IC_ID: 'id', IC_SECRET: 'shh-very-secret' });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/gradePassback\.termTaskIds\.1: expected a list of numeric grading task IDs/);
    expect(stderr).not.toContain('shh-very-secret');
  });

  it('uses GRADEBRIDGE_CONFIG when --config is absent, and says which file is missing', () => {
    const { code, stderr } = runCli(['run', 'grades'], { GRADEBRIDGE_CONFIG: '/nonexistent/gb.yaml' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/\/nonexistent\/gb\.yaml cannot be read/);
  });

  it('rejects unknown options and scope flags without --full', () => {
    expect(runCli(['run', 'grades', '--bogus']).code).toBe(2);
    const scoped = runCli(['run', 'grades', '--school', 'sch-1', '--config', writeConfig(validYaml)], { IC_ID: 'id', IC_SECRET: 's' });
    expect(scoped.code).toBe(2);
    expect(scoped.stderr).toMatch(/add --full/);
  });
});
