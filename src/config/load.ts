/** Reads the YAML config, resolves secrets and paths, and turns every problem into one readable ConfigError. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { makeConfigSchema, type Config } from './schema.ts';

export const defaultConfigPath = './gradebridge.yaml';

/** The config path a command uses: --config, else GRADEBRIDGE_CONFIG, else ./gradebridge.yaml. */
export function configPathFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(option ?? env['GRADEBRIDGE_CONFIG'] ?? defaultConfigPath);
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`config file ${file} cannot be read.`, {
      code: 'CONFIG_NOT_FOUND',
      remedy: 'Pass --config PATH or set GRADEBRIDGE_CONFIG; gradebridge.example.yaml documents every key.',
      cause,
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  return parseConfig(raw ?? {}, { baseDir: path.dirname(path.resolve(file)), env });
}

export function parseConfig(raw: unknown, ctx: { baseDir: string; env: NodeJS.ProcessEnv }): Config {
  const result = makeConfigSchema(ctx).safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  return result.data;
}

/** One line: `config: gradePassback.termTaskIds.1: expected ...; infiniteCampus.clientId: ...`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? `${key}.` : '';
      return `unknown key ${issue.keys.map((k) => prefix + k).join(', ')}`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${key}: required`;
    return `${key}: ${issue.message}`;
  });
  return `config error: ${parts.join('; ')}`;
}
