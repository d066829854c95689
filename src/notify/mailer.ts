/**
 * Sending mail over SMTP with nodemailer: every message has a plain-text and an HTML part, and every
 * configured secret is scrubbed from both (and the subject) before it leaves, as a last guard.
 *
 * @example
 *   const mailer = createMailer(config.smtp, { secrets: secretValues(config) });
 *   await mailer.send({ to: ['it@district.org'], ...renderedNotice });
 *   mailer.close();
 */
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config/schema.ts';
import { scrubSecrets } from '../config/secret.ts';
import { GradebridgeError } from '../errors.ts';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  /** Connects and logs in without sending (for `gradebridge check`). */
  verify(): Promise<void>;
  close(): void;
}

export const mailTimeouts = {
  connectionMs: 10_000,
  greetingMs: 10_000,
  socketMs: 30_000,
} as const;

export function createMailer(smtp: SmtpConfig, options: { secrets: readonly string[] }): Mailer {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: mailTimeouts.connectionMs,
    greetingTimeout: mailTimeouts.greetingMs,
    socketTimeout: mailTimeouts.socketMs,
    ...(smtp.user ? { auth: { user: smtp.user, ...(smtp.password ? { pass: smtp.password.reveal() } : {}) } } : {}),
  });
  const scrub = (text: string) => scrubSecrets(text, options.secrets);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: message.to,
          subject: scrub(message.subject),
          text: scrub(message.text),
          html: scrub(message.html),
        });
        return { messageId: String(info.messageId) };
      } catch (cause) {
        throw mailError(smtp, cause);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (cause) {
        throw mailError(smtp, cause);
      }
    },
    close: () => transport.close(),
  };
}

function mailError(smtp: SmtpConfig, cause: unknown): GradebridgeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new GradebridgeError('SMTP_FAILED', `The mail server at ${redactUrl(smtp.url)} did not take the message: ${detail}`, {
    remedy: 'Check smtp.url, smtp.user and smtp.password, and that the mail server accepts mail from this host.',
    cause,
  });
}

/** The SMTP URL as shown to an admin: any password in it masked. */
export function redactUrl(url: string): string {
  return url.replace(/^(smtps?:\/\/[^:/@]+:)[^@]*@/, '$1••••••@');
}
