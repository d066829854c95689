/** Shared by the scheduler tests: a config with schedules, and pipeline bodies the test drives. */
import type { PipelineBody, PipelineResult } from '../../pipelines/run-pipeline.ts';
import type { RunRequest } from '../../pipelines/context.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { PipelineName } from '../../src/types.ts';

export function testConfig(options: { gradeSchedule?: string; rosterSchedule?: string; rosterEnabled?: boolean } = {}): Config {
  return parseConfig(
    {
      store: 'sqlite::memory:',
      infiniteCampus: {
        baseUrl: 'http://127.0.0.1:9/campus/api/oneroster/v1p2/district',
        tokenUrl: 'http://127.0.0.1:9/campus/oauth2/token?appName=district',
        clientId: { env: 'IC_CLIENT_ID' },
        clientSecret: { env: 'IC_CLIENT_SECRET' },
      },
      gradePassback: {
        schedule: options.gradeSchedule ?? '06:00',
        sftp: { host: '127.0.0.1', username: 'schoology', password: { env: 'SFTP_PASSWORD' }, hostKeyCheck: false },
        termTaskIds: [101],
      },
      rosterProvisioning: { enabled: options.rosterEnabled ?? true, schedule: options.rosterSchedule ?? '05:00', activeYear: '2026-2027' },
    },
    { baseDir: '/tmp', env: { IC_CLIENT_ID: 'client-id-1234', IC_CLIENT_SECRET: 'client-secret-5678', SFTP_PASSWORD: 'sftp-pass-9012' } },
  );
}

export interface BodyCall {
  pipeline: PipelineName;
  request: RunRequest;
  runId: string;
  /** The pipeline clock when the body started. */
  at: Date;
}

/**
 * Bodies that record each call and, unless `autoFinish`, wait until the test calls `finish(i)`.
 * `active()`/`maxActive()` count bodies running at once, across every scheduler using them.
 */
export function controllableBodies(options: { autoFinish: boolean; result?: PipelineResult }) {
  const calls: BodyCall[] = [];
  const gates: (() => void)[] = [];
  const waiters: ((call: BodyCall) => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const result: PipelineResult = options.result ?? { status: 'succeeded', counts: {}, rows: 0, sourceFile: null };
  const body =
    (pipeline: PipelineName): PipelineBody =>
    async (ctx, request, runId) => {
      const call = { pipeline, request, runId, at: ctx.now() };
      calls.push(call);
      active += 1;
      maxActive = Math.max(maxActive, active);
      for (const waiter of waiters.splice(0)) waiter(call);
      try {
        if (!options.autoFinish) await new Promise<void>((resolve) => (gates[calls.length - 1] = resolve));
        return result;
      } finally {
        active -= 1;
      }
    };
  return {
    bodies: { grades: body('grades'), roster: body('roster') } satisfies Record<PipelineName, PipelineBody>,
    calls,
    /** Resolves when the next body starts. */
    nextStart: () => new Promise<BodyCall>((resolve) => waiters.push(resolve)),
    finish: (index: number) => {
      const gate = gates[index];
      if (!gate) throw new Error(`body call ${index} is not waiting`);
      gate();
    },
    active: () => active,
    maxActive: () => maxActive,
  };
}
