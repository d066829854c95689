#!/usr/bin/env node
// Runs dist/, the bundle `npm ci` builds (`npm run build`): no compiling at each start, and no
// TypeScript loader thread, which cost every run about 30 MiB. When a source changed since that build
// (or there is none), runs the TypeScript sources through tsx instead: never a stale bundle.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'cli.js');

/** Whether a file under `dir` was modified after `builtAt` (ms). */
function changedSince(dir, builtAt) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(file, builtAt) : statSync(file).mtimeMs > builtAt) return true;
  }
  return false;
}

function bundleIsCurrent() {
  if (!existsSync(bundle)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  return !['src', 'pipelines', 'sandbox'].some((dir) => changedSince(path.join(root, dir), builtAt));
}

// Heap settings are made before the app's modules load, while the heap is still small.
let app;
if (bundleIsCurrent()) {
  (await import('../dist/heap-settings.js')).keepHeapSmall();
  app = await import('../dist/cli.js');
} else {
  (await import('tsx/esm/api')).register();
  (await import('../src/heap-settings.ts')).keepHeapSmall();
  app = await import('../src/cli.ts');
}
process.exitCode = await app.main(process.argv);
