#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
// Before the app's modules load, while the heap is still small.
const { keepHeapSmall } = await import('../src/heap-settings.ts');
keepHeapSmall();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
