/** How the long-running commands (`serve`, `sandbox`, `demo`) wait for Ctrl-C or a service manager's stop. */
import type { Logger } from 'pino';

/**
 * Resolves with the first SIGTERM or SIGINT; until `release` is called, a second one exits at once
 * (an admin pressing Ctrl-C twice does not want to wait).
 */
export function waitForStopSignal(logger: Logger): { signal: Promise<NodeJS.Signals>; release(): void } {
  let stopping = false;
  let resolveSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => (resolveSignal = resolve));
  const onSignal = (received: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal: received }, 'second stop signal: exiting without waiting for the running step');
      process.exit(1);
    }
    stopping = true;
    resolveSignal(received);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal,
    release() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
