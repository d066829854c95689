/** What every pipeline run is handed: the loaded config, the open store, a logger, a clock, a stop signal. */
import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.ts';
import type { IcRequestEvent } from '../src/load/ic-client.ts';
import type { Store } from '../src/store/open-store.ts';
import type { RunScope } from '../src/store/runs.ts';
import type { RunTrigger } from '../src/types.ts';

export interface PipelineContext {
  config: Config;
  store: Store;
  logger: Logger;
  /** The clock; tests and the scheduler pass a controllable one. */
  now: () => Date;
  /** Aborted on SIGTERM/SIGINT: stages stop at the next safe point. */
  signal?: AbortSignal;
  /** Called as work advances, for a progress bar on a terminal. */
  onProgress?: (event: { stage: string; done: number; total: number }) => void;
  /** Called after every IC request attempt (latency, retries), for the metrics page. */
  onIcRequest?: (event: IcRequestEvent) => void;
}

export interface RunRequest {
  trigger: RunTrigger;
  dryRun: boolean;
  full: boolean;
  scope: RunScope | null;
  /** Grades only: accept an export smaller than the shrink guard allows (full runs). */
  acceptShrink?: boolean;
  /** Grades only: read back every posted result instead of a sample. */
  verify?: boolean;
}
