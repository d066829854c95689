import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFile } from '../../src/project-files.ts';

describe('projectFile', () => {
  it("resolves from gradebridge's package root, wherever the calling module sits", () => {
    const manifest = projectFile('package.json');
    expect(path.isAbsolute(manifest)).toBe(true);
    expect((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name).toBe('gradebridge');
    expect(path.dirname(manifest)).toBe(path.resolve(import.meta.dirname, '../..'));
  });

  it('finds the files the status page and the demo read', () => {
    expect(existsSync(projectFile('src/web/assets/style.css'))).toBe(true);
    expect(existsSync(projectFile('fixtures/district/oneroster.json'))).toBe(true);
  });
});
