/**
 * A real SMTP server for tests (the SMTP sandbox on 127.0.0.1:0), with a way to await the next
 * message instead of sleeping.
 */
import { startSmtpSink, type SmtpSink, type SmtpSinkMessage, type SmtpSinkOptions } from '../../sandbox/smtp/server.ts';

export type { SmtpSinkMessage } from '../../sandbox/smtp/server.ts';

export interface TestSmtp extends SmtpSink {
  /** The next message not yet taken by nextMessage (in arrival order); rejects after `timeoutMs`. */
  nextMessage(timeoutMs?: number): Promise<SmtpSinkMessage>;
}

export async function startTestSmtp(options: SmtpSinkOptions = {}): Promise<TestSmtp> {
  const sink = await startSmtpSink(options);
  let taken = 0;
  return {
    ...sink,
    nextMessage(timeoutMs = 10_000) {
      const index = taken;
      taken += 1;
      const already = sink.messages()[index];
      if (already) return Promise.resolve(already);
      return new Promise<SmtpSinkMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`no mail #${index + 1} arrived within ${timeoutMs} ms (${sink.messages().length} received)`));
        }, timeoutMs);
        const unsubscribe = sink.onMessage(() => {
          const message = sink.messages()[index];
          if (!message) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(message);
        });
      });
    },
  };
}
