/** The mailer over a real SMTP server: both parts, the login, and secrets scrubbed as a last guard. */
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.ts';
import { createMailer } from '../../src/notify/mailer.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describe('the mailer', () => {
  let smtp: TestSmtp;
  afterEach(async () => smtp?.close());

  it('logs in, sends a text and an HTML part, and scrubs every secret from both and the subject', async () => {
    smtp = await startTestSmtp({ login: { user: 'mailer', password: 'smtp-login-Ww31' } });
    const leaked = 'ic-secret-Xk29pQ';
    const mailer = createMailer(
      { url: smtp.url, from: 'gradebridge@district.org', user: 'mailer', password: new Secret('smtp-login-Ww31', 'env SMTP_PASSWORD') },
      { secrets: [leaked, 'smtp-login-Ww31'] },
    );
    try {
      await mailer.verify();
      const { messageId } = await mailer.send({
        to: ['a@district.org', 'b@district.org'],
        subject: `IC said ${leaked}`,
        text: `IC answered: invalid client_secret=${leaked}`,
        html: `<p>IC answered: invalid client_secret=${leaked}</p>`,
      });
      expect(messageId).toMatch(/@district\.org>$/);
    } finally {
      mailer.close();
    }
    const mail = await smtp.nextMessage();
    expect(mail.to).toEqual(['a@district.org', 'b@district.org']);
    expect(mail.subject).toBe('IC said ••••••');
    expect(mail.text).toContain('client_secret=••••••');
    expect(mail.html).toContain('<p>IC answered: invalid client_secret=••••••</p>');
    expect(mail.raw).not.toContain(leaked);
    expect(mail.raw).not.toContain('smtp-login-Ww31');
  });

  it('fails with SMTP_FAILED, the password masked, when the login is refused', async () => {
    smtp = await startTestSmtp({ login: { user: 'mailer', password: 'right-pass-Hh72' } });
    const mailer = createMailer({ url: smtp.url, from: 'gradebridge@district.org', user: 'mailer', password: new Secret('wrong-pass-Jj55', 'env SMTP_PASSWORD') }, { secrets: ['wrong-pass-Jj55'] });
    try {
      const error = await mailer.verify().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'SMTP_FAILED' });
      expect(String((error as Error).message)).not.toContain('wrong-pass-Jj55');
    } finally {
      mailer.close();
    }
  });
});
