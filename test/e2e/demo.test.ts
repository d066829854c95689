/**
 * `gradebridge demo`, as a newcomer runs it: the real bin in a fresh, empty folder, no config, no
 * accounts. `--once` runs both pipelines on the fixture district and exits; served, it prints the
 * status page and working sign-in links, and stops on Ctrl-C. `sandbox` prints a config that
 * `check` passes with.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';

function emptyFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'gb-newcomer-'));
}

/** Resolves with everything printed so far once `pattern` shows up; rejects when the process ends or after `timeoutMs`. */
function waitForOutput(stream: Readable, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (pattern.test(seen)) finish(null);
    };
    const onEnd = () => finish(new Error(`the demo ended before ${String(pattern)}; got:\n${seen}`));
    function finish(error: Error | null): void {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (error) reject(error);
      else resolve(seen);
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

describe('gradebridge demo', () => {
  it('--once runs roster provisioning then grade passback on the fixture district and prints both summaries', async () => {
    const cwd = emptyFolder();
    const result = await runCli(['demo', '--once'], { cwd, timeoutMs: 180_000 });
    const out = result.stdout;
    expect(result.stderr).toBe('');
    expect(out).toMatch(/Infinite Campus sandbox http:\/\/127\.0\.0\.1:\d+, Schoology sandbox http:\/\/127\.0\.0\.1:\d+\/v1, SFTP sandbox 127\.0\.0\.1:\d+, SMTP sink smtp:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain("clock: starts at the fixture scenario's moment, 2026-12-02T15:00:00.000Z");
    expect(out).toContain('Opted in 11 sections');
    // Roster: the fixture district provisioned from scratch.
    expect(out).toMatch(/roster run [0-9a-f-]{36}: succeeded \(full run\)/);
    expect(out).toContain('buildings: created 3, updated 0, unchanged 0, skipped 0, failed 0');
    expect(out).toContain('sections: created 11');
    // Grades: the scenario's outcome, one refused letter grade included (so the run is partial, exit 3).
    expect(out).toMatch(/grades run [0-9a-f-]{36}: partial\nsource file: \/export\/Final Grades_20261201_013000\.csv/);
    expect(out).toContain('planned: 26\nposted: 26\nunchanged: 0\nfailed: 1');
    expect(out).toMatch(/mail\/001\.eml {2}to registrar@maplevalley\.org: gradebridge: grade passback partly failed \(2 Dec 2026\)/);
    expect(out.trimEnd().endsWith('gradebridge demo --once: done (exit code 3)')).toBe(true);
    expect(result.code).toBe(3);

    // Everything went to its own temp folder, nothing into the newcomer's folder.
    expect(readdirSync(cwd)).toEqual([]);
    const folder = /working folder: (\S+)/.exec(out)?.[1] ?? '';
    const config = readFileSync(path.join(folder, 'gradebridge.yaml'), 'utf8');
    expect(config).toContain('clientSecret:\n    file: ./secrets/ic-client-secret');
    expect(config).not.toContain('InfiniteCampus_demo_secret');
    const mail = readFileSync(path.join(folder, 'mail', '001.eml'), 'utf8');
    expect(mail).toContain('What Infinite Campus said');
  });

  it('serves the status page with working sign-in links until Ctrl-C', async () => {
    const cwd = emptyFolder();
    const demo = startCli(['demo', '--port', '0'], { cwd, timeoutMs: 180_000 });
    const stdout = demo.child.stdout;
    if (!stdout) throw new Error('no stdout');
    const printed = await waitForOutput(stdout, /Status page: http:\/\/127\.0\.0\.1:\d+/, 150_000);
    const url = /Status page: (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] ?? '';
    const adminLink = new RegExp(`the district admin, admin@maplevalley\\.org:\\n {4}(${url}/sign-in/[A-Za-z0-9_-]{43})`).exec(printed)?.[1];
    const teacherLink = new RegExp(`a teacher, [^\\n]+:\\n {4}(${url}/sign-in/[A-Za-z0-9_-]{43})`).exec(printed)?.[1];
    expect(adminLink).toBeDefined();
    expect(teacherLink).toBeDefined();

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', store: 'ok' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('gradebridge_runs_total{pipeline="grades",status="partial"} 1');
    expect(metrics).toContain('gradebridge_runs_total{pipeline="roster",status="succeeded"} 1');
    expect(metrics).toMatch(/gradebridge_ic_requests_total\{service="gradebook",answer="2xx"\} \d+/);
    const signIn = await fetch(adminLink ?? '', { redirect: 'manual' });
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('admin@maplevalley.org');

    demo.child.kill('SIGINT');
    const result = await demo.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gradebridge demo: stopping');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('gradebridge sandbox', () => {
  it('prints addresses, credentials and a config that `gradebridge check` passes with, until stopped', async () => {
    const cwd = emptyFolder();
    const sandbox = startCli(['sandbox'], { cwd, timeoutMs: 180_000 });
    const stdout = sandbox.child.stdout;
    if (!stdout) throw new Error('no stdout');
    const printed = await waitForOutput(stdout, /Try: gradebridge check/, 120_000);
    expect(printed).toMatch(/^Infinite Campus {2}http:\/\/127\.0\.0\.1:\d+$/m);
    expect(printed).toMatch(/^SFTP {13}sftp:\/\/schoology@127\.0\.0\.1:\d+\/export$/m);
    expect(printed).toMatch(/^ {2}host key {17}SHA256:[A-Za-z0-9+/]{43}$/m);

    // The printed config and secrets, as a person would copy them.
    const lines = printed.split('\n');
    const env: Record<string, string> = {};
    for (const line of lines.filter((l) => l.startsWith('  export '))) {
      for (const pair of line.trim().slice('export '.length).split(' ')) {
        const [key, value] = pair.split('=');
        if (key && value) env[key] = value;
      }
    }
    const start = lines.findIndex((l) => l.startsWith('  store: '));
    const end = lines.findIndex((l, i) => i > start && l.trim() === '');
    const configFile = path.join(cwd, 'gradebridge.yaml');
    writeFileSync(configFile, `${lines.slice(start, end).map((l) => l.slice(2)).join('\n')}\n`);

    const check = await runCli(['check', '--config', configFile], { cwd, env });
    expect(check.stdout).toMatch(/^ok\s+sftp\s+.*host key matches, 2 export files/m);
    expect(check.stdout).toMatch(/^ok\s+ic\s+.*gradebook read with the vendor header$/m);
    expect(check.stdout).toMatch(/^ok\s+schoology\s/m);
    expect(check.stdout).toMatch(/^ok\s+smtp\s/m);
    expect(check.code).toBe(0);

    sandbox.child.kill('SIGTERM');
    const result = await sandbox.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gradebridge sandbox: stopped');
  });
});
