/**
 * The SMTP stand-in: a real SMTP server (smtp-server) on 127.0.0.1 that accepts every message, parses
 * it (mailparser) and keeps it, and optionally saves each one as an .eml file. The demo and the
 * sandbox command use it in place of the district's mail server; tests read what was sent.
 *
 *   const sink = await startSmtpSink({ saveDir: '/tmp/demo/mail' });
 *   config.smtp = { url: sink.url, from: 'gradebridge@district.test' };
 *   ...; sink.messages()[0].text; await sink.close();
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSinkMessage {
  /** 1-based, in arrival order. */
  n: number;
  from: string;
  /** Envelope recipients. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
  /** Where it was saved, with `saveDir`. */
  file?: string;
}

export interface SmtpSinkOptions {
  /** Default 0: a random free port. The host is always 127.0.0.1. */
  port?: number;
  /** Save each message as NNN.eml in this folder. */
  saveDir?: string;
  /** Require this login (AUTH PLAIN/LOGIN); without it any client may send. */
  login?: { user: string; password: string };
  /** Refuse every recipient with 550, as a mail server that bounces everything. */
  refuseRecipients?: boolean;
}

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:PORT, what goes into smtp.url. */
  url: string;
  messages(): SmtpSinkMessage[];
  /** Calls `listener` for each message from now on; returns the unsubscribe function. */
  onMessage(listener: (message: SmtpSinkMessage) => void): () => void;
  close(): Promise<void>;
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: SmtpSinkMessage[] = [];
  const listeners = new Set<(message: SmtpSinkMessage) => void>();
  if (options.saveDir) mkdirSync(options.saveDir, { recursive: true });
  const login = options.login;

  const server = new SMTPServer({
    secure: false,
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('535 Authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipients) callback(Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const message: SmtpSinkMessage = {
              n: received.length + 1,
              from: addressText(parsed.from),
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw: raw.toString('utf8'),
            };
            if (options.saveDir) {
              message.file = path.join(options.saveDir, `${String(message.n).padStart(3, '0')}.eml`);
              writeFileSync(message.file, raw);
            }
            received.push(message);
            for (const listener of listeners) listener(message);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that hangs up mid-session is not the sink's problem.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages: () => [...received],
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
