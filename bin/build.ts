/**
 * Bundles entry points for Node 20 with esbuild: split, so that each command loads only its own
 * modules, and with the packages left in node_modules. `npm run build` makes dist/ for
 * bin/gradebridge.js; the bench bundles its measured processes the same way, so they run as the CLI does.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entryPoints` into `outdir`; each output keeps its path below `outbase` (by default, the entries' common folder). */
export async function bundle(entryPoints: readonly string[], outdir: string, outbase?: string): Promise<void> {
  await build({
    entryPoints: [...entryPoints],
    outdir,
    ...(outbase === undefined ? {} : { outbase }),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle([path.join(root, 'src/cli.ts'), path.join(root, 'src/heap-settings.ts')], path.join(root, 'dist'));
}
