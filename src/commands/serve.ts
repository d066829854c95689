/**
 * `gradebridge serve`: the status page and the scheduler in one process, until SIGTERM or SIGINT.
 * Needs `smtp` (sign-in links, notices) and `web`. On a stop signal it stops scheduling, asks the
 * running pipeline to stop at its next safe point (the grade load finishes the result in flight and
 * writes its ledger entry), waits for it, closes the web server and the store, and exits 0.
 */
import type { Logger } from 'pino';
import { pipelineBodies } from './run.ts';
import type { Config } from '../config/schema.ts';
import { secretValues } from '../config/secret.ts';
import { ConfigError } from '../errors.ts';
import { metricsRegistry } from '../metrics/registry.ts';
import { checkCredentialExpiry } from '../notify/credential-expiry.ts';
import { createMailer } from '../notify/mailer.ts';
import { sendRunNotice } from '../notify/send-run-notice.ts';
import { startOperations } from '../schedule/operations.ts';
import { nextSlotAfter } from '../schedule/slots.ts';
import { cronTimers, type SchedulerTimers } from '../schedule/timers.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { startWebServer } from '../web/server.ts';
import { commandLogger, loadCommandConfig, writeLine, type CommandIo, type GlobalOptions } from './command-io.ts';
import { waitForStopSignal } from './stop-signal.ts';

export interface ServerOptions {
  config: Config;
  store: Store;
  logger: Logger;
  now: () => Date;
  configFile?: string;
  /** Default node-cron in Etc/UTC. */
  timers?: SchedulerTimers;
}

export interface RunningServer {
  /** Where the status page listens. */
  url: string;
  /** Stops scheduling and waits for the running pipeline, then closes the web server. The store stays open. */
  stop(): Promise<void>;
}

/** The status page, the scheduler and the run-queue worker; `serve` and `demo` start this. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, store, logger, now } = options;
  if (!config.smtp) throw new ConfigError('config error: smtp: required for serve (sign-in links and notices are sent by email)');
  const mailer = createMailer(config.smtp, { secrets: secretValues(config) });
  const web = await startWebServer({ config, store, logger, now, ...(options.configFile ? { configFile: options.configFile } : {}) });
  const timers =
    options.timers ??
    cronTimers({ onMissed: (name, scheduledFor) => logger.warn({ timer: name, scheduledFor }, 'node-cron missed a tick; the catch-up check takes the slot') });
  const checkExpiry = () => void checkCredentialExpiry(config, { store, logger, now, mailer });
  try {
    const ops = await startOperations({
      config,
      store,
      logger,
      now,
      timers,
      bodies: pipelineBodies,
      afterRun: async (summary) => {
        await sendRunNotice(config, summary, { store, logger, mailer, now });
      },
      context: { onIcRequest: (event) => metricsRegistry.observeIcRequest(event) },
    });
    ops.scheduler.on('checked', checkExpiry);
    checkExpiry();
    return {
      url: web.url,
      async stop() {
        ops.scheduler.off('checked', checkExpiry);
        await ops.stop();
        await web.close();
        mailer.close();
      },
    };
  } catch (error) {
    await web.close();
    mailer.close();
    throw error;
  }
}

export async function serveCommand(options: GlobalOptions, io: CommandIo): Promise<number> {
  const { config, configPath } = loadCommandConfig(options, io);
  if (!config.web) throw new ConfigError('config error: web: required for serve (at least `web: { port: 8080 }`)');
  if (!config.smtp) throw new ConfigError('config error: smtp: required for serve (sign-in links and notices are sent by email)');
  const logger = commandLogger(io);
  // Listening from the start: a stop signal during start-up is answered once start-up is done.
  const stop = waitForStopSignal(logger);
  try {
    const store = await openStore(config.store);
    try {
      const server = await startServer({ config, store, logger, now: io.now, configFile: configPath });
      writeLine(io.stdout, `gradebridge serve: status page at ${server.url}${config.web.publicUrl ? ` (public address ${config.web.publicUrl})` : ''}`);
      for (const line of scheduleSummary(config, io.now())) writeLine(io.stdout, line);
      const signal = await stop.signal;
      writeLine(io.stdout, `gradebridge serve: ${signal} received, stopping after the current step`);
      await server.stop();
      writeLine(io.stdout, 'gradebridge serve: stopped');
      return 0;
    } finally {
      await store.close();
    }
  } finally {
    stop.release();
  }
}

function scheduleSummary(config: Config, now: Date): string[] {
  const lines: string[] = [];
  for (const [name, section] of [
    ['roster', config.rosterProvisioning],
    ['grades', config.gradePassback],
  ] as const) {
    if (!section) continue;
    lines.push(
      section.enabled
        ? `  ${name}: daily at ${section.schedule} GMT, next ${nextSlotAfter(section.schedule, now).toISOString()}`
        : `  ${name}: not scheduled (enabled: false); runs requested on the status page still run`,
    );
  }
  return lines;
}
