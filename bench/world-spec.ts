/**
 * What a measurement child needs to run against a bench world, in a module of its own: a child that
 * only reads it does not load the store and generator modules bench-world.ts brings (about 25 MiB of
 * a measured process's peak).
 */
import { z } from 'zod';

export const WorldSpec = z.strictObject({
  dir: z.string(),
  /** The raw config (as parsed YAML would be); secrets are `{ env }` references into `env`. */
  config: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.string()),
  icUrl: z.string(),
});
export type WorldSpec = z.infer<typeof WorldSpec>;
