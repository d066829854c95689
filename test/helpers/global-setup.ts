/** Starts the services shared by the whole test run (PostgreSQL) and hands their addresses to the tests. */
import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const existing = process.env['GRADEBRIDGE_TEST_PG_URL'];
  if (existing) {
    project.provide('pgUrl', existing);
    return () => {};
  }
  const pg = await startTestPostgres();
  project.provide('pgUrl', pg.url);
  return () => pg.stop();
}
