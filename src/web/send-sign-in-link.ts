/**
 * The sign-in email: the one-time link, in a plain-text and an HTML part. The link is built from
 * `web.publicUrl` (or the address the server listens on), never from the request's Host header, so
 * a forged header cannot send a working link to another site. Sent through the notify mailer.
 */
import type { Config } from '../config/schema.ts';
import { secretValues } from '../config/secret.ts';
import { createMailer } from '../notify/mailer.ts';
import { html } from './html.ts';

export interface SignInMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendMail = (message: SignInMail) => Promise<void>;

export function signInLinkMessage(to: string, link: string, validMinutes: number): SignInMail {
  return {
    to,
    subject: 'Your gradebridge sign-in link',
    text: [
      'Open this link to sign in to the gradebridge status page:',
      '',
      link,
      '',
      `It works once, for ${validMinutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without it.`,
    ].join('\n'),
    html: html`<p>Open this link to sign in to the gradebridge status page:</p>
<p><a href="${link}">Sign in to gradebridge</a></p>
<p>It works once, for ${validMinutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without it.</p>`.text,
  };
}

/** Sends over `config.smtp`; without it, says so in the log (serve requires smtp, so only tests see this). */
export function configuredMailSender(config: Config, warn: (message: string) => void): { send: SendMail; close(): void } {
  const smtp = config.smtp;
  if (!smtp) {
    return {
      send: async () => warn('no smtp is configured: the sign-in link was not sent'),
      close: () => {},
    };
  }
  const mailer = createMailer(smtp, { secrets: secretValues(config) });
  return {
    send: async (message) => {
      await mailer.send({ ...message, to: [message.to] });
    },
    close: () => mailer.close(),
  };
}
