import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { Secret, secretValues } from '../../src/config/secret.ts';

const env = { IC_ID: 'InfiniteCampus_abc', IC_SECRET: 'super-secret-value', IC_VK: 'vendor-key', IC_VS: 'vendor-secret' };
const baseDir = '/srv/gradebridge';

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    infiniteCampus: {
      baseUrl: 'https://ic.example.org/campus/api/oneroster/v1p2/district',
      tokenUrl: 'https://ic.example.org/campus/oauth2/token?appName=district',
      clientId: { env: 'IC_ID' },
      clientSecret: { env: 'IC_SECRET' },
      vendorKey: { env: 'IC_VK' },
      vendorSecret: { env: 'IC_VS' },
    },
    gradePassback: {
      sftp: { host: 'sftp.example.org', username: 'sgy', password: { env: 'IC_SECRET' }, hostKeyCheck: false },
      termTaskIds: [101],
    },
    ...overrides,
  };
}

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('config', () => {
  it('applies the documented defaults and resolves relative paths and secrets', () => {
    const config = parseConfig(minimal(), { baseDir, env });
    expect(config.store).toBe('sqlite:/srv/gradebridge/data/gradebridge.db');
    expect(config.infiniteCampus.api).toBe('oneroster-1.2');
    expect(config.infiniteCampus.maxAttempts).toBe(6);
    expect(config.gradePassback).toMatchObject({
      schedule: '10:30',
      minFileAgeSeconds: 120,
      shrinkGuardPercent: 50,
      scoreDecimals: 2,
      maxScore: 100,
      concurrency: 1,
      overallPeriodValues: ['Final', 'Overall', 'Course Overall'],
    });
    expect(config.infiniteCampus.clientSecret).toBeInstanceOf(Secret);
    expect(config.infiniteCampus.clientSecret.reveal()).toBe('super-secret-value');
    expect(JSON.stringify(config)).not.toContain('super-secret-value');
    expect(String(config.infiniteCampus.clientSecret)).toBe(Secret.mask);
    expect(secretValues(config)).toContain('super-secret-value');
  });

  it('reads a secret from a file, trimming the final newline', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-config-'));
    writeFileSync(path.join(dir, 'secret.txt'), '  from-a-file\n');
    const raw = minimal();
    (raw['infiniteCampus'] as Record<string, unknown>)['clientSecret'] = { file: 'secret.txt' };
    expect(parseConfig(raw, { baseDir: dir, env }).infiniteCampus.clientSecret.reveal()).toBe('from-a-file');
  });

  it.each([
    ['a missing secret env var', () => parseConfig(minimal(), { baseDir, env: { ...env, IC_SECRET: undefined } }), /infiniteCampus\.clientSecret: environment variable IC_SECRET is not set/],
    ['an unknown key', () => parseConfig({ ...minimal(), colour: 'blue' }, { baseDir, env }), /unknown key colour/],
    ['an unknown nested key', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), termTasks: [1] } }), { baseDir, env }), /unknown key gradePassback\.termTasks/],
    ['a malformed task ID list', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), termTaskIds: [101, 'Q1'] } }), { baseDir, env }), /gradePassback\.termTaskIds\.1: expected a list of numeric grading task IDs/],
    ['a literal secret', () => parseConfig(minimal({ smtp: { url: 'smtp://x', from: 'a@b.org', password: 'hunter2' } }), { baseDir, env }), /smtp\.password: expected a secret as \{ env: NAME \}/],
    ['concurrency above IC guidance', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), concurrency: 8 } }), { baseDir, env }), /gradePassback\.concurrency/],
    ['a schedule that is not HH:MM', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), schedule: '6am' } }), { baseDir, env }), /gradePassback\.schedule: expected a GMT time/],
    ['a notify list without smtp', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), notify: ['a@b.org'] } }), { baseDir, env }), /smtp: required when a notify list is set/],
    ['host key checking on without a fingerprint', () => parseConfig(minimal({ gradePassback: { ...(minimal()['gradePassback'] as object), sftp: { host: 'h', username: 'u', password: { env: 'IC_ID' } } } }), { baseDir, env }), /gradePassback\.sftp\.hostKeySha256/],
  ])('rejects %s with one line naming the key', (_name, fn, pattern) => {
    const message = errorOf(fn);
    expect(message).toMatch(pattern);
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain('super-secret-value');
  });

  it('reports a missing or invalid file clearly', () => {
    expect(() => loadConfig('/nonexistent/gradebridge.yaml', env)).toThrow(/cannot be read/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-config-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'store: [unclosed\n');
    expect(() => loadConfig(path.join(dir, 'bad.yaml'), env)).toThrow(/not valid YAML/);
  });

  it('parses the example config, which documents every key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-config-'));
    writeFileSync(path.join(dir, 'ic_vendor_secret'), 'vs');
    const exampleEnv = { IC_CLIENT_ID: 'a', IC_CLIENT_SECRET: 'b', IC_VENDOR_KEY: 'c', SMTP_PASSWORD: 'd', SFTP_KEY_PASSPHRASE: 'e', SGY_KEY: 'f', SGY_SECRET: 'g' };
    const example = path.resolve(import.meta.dirname, '../../gradebridge.example.yaml');
    // The example's secret files are absolute or relative to its own folder; point them at our temp copies.
    const yaml = readFileSync(example, 'utf8');
    writeFileSync(path.join(dir, 'gradebridge.yaml'), yaml.replace('/run/secrets/ic_vendor_secret', './ic_vendor_secret'));
    mkdirSync(path.join(dir, 'keys'));
    writeFileSync(path.join(dir, 'keys', 'id_ed25519'), 'key');
    const config = loadConfig(path.join(dir, 'gradebridge.yaml'), exampleEnv);
    expect(config.gradePassback?.termTaskIds).toEqual([101, 102]);
    expect(config.rosterProvisioning?.schoology?.rateLimit).toEqual({ requests: 40, perSeconds: 5 });
  });
});
