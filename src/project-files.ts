/**
 * Files that ship with gradebridge next to its code (the status page's stylesheet, the fixture
 * district), found from the package root: the same path whether the code runs from its TypeScript
 * sources or from the bundle in dist/, where a path relative to the module would point elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'gradebridge') return dir;
    if (path.dirname(dir) === dir) throw new Error(`gradebridge's package.json was not found above ${from}`);
  }
}

const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The absolute path of `relative` (e.g. `fixtures/district`) in the gradebridge package. */
export function projectFile(relative: string): string {
  return path.join(packageRoot, relative);
}
