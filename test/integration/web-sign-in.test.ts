/**
 * Signing in to the status page over HTTP (Fastify inject), on SQLite and PostgreSQL: the same
 * answer for every address, links only to known people, single use, 15-minute expiry, stored
 * hashed, a new session on use, cookie flags, and both rate limits with one 429 page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/logger.ts';
import type { Store } from '../../src/store/open-store.ts';
import { buildWebServer } from '../../src/web/server.ts';
import type { SignInMail } from '../../src/web/send-sign-in-link.ts';
import { openFreshStore, storeKinds } from '../helpers/stores.ts';
import { WebClient, linkIn, seedRoster, webTestConfig } from '../helpers/web.ts';

const teacher = 'ana.rivera@district.test';
const admin = 'it@district.test';

describe.each(storeKinds)('sign-in on %s', (kind) => {
  let store: Store;
  let app: FastifyInstance;
  let mails: SignInMail[];
  let clock: Date;

  async function start(options: { publicUrl?: string } = {}): Promise<void> {
    store = await openFreshStore(kind);
    await seedRoster(store);
    mails = [];
    clock = new Date('2026-12-02T15:00:00Z');
    app = buildWebServer({
      config: webTestConfig(options),
      store,
      logger: silentLogger(),
      now: () => clock,
      sendMail: async (mail) => {
        mails.push(mail);
      },
      readLineItems: async () => {
        throw new Error('IC is not part of this test');
      },
    });
  }

  /** Asks for a link for `email` and returns the link path from the mail. */
  async function requestLink(client: WebClient, email: string): Promise<string> {
    await client.get('/');
    const before = mails.length;
    const answer = await client.post('/sign-in', { email });
    expect(answer.status).toBe(200);
    await vi_waitFor(() => mails.length > before);
    return new URL(linkIn(mails.at(-1)?.text ?? '')).pathname;
  }

  afterEach(async () => {
    await app?.close();
    await store?.close();
  });

  it('shows the sign-in form with an email field and a session cookie that is HttpOnly and SameSite=Lax', async () => {
    await start();
    const client = new WebClient(app);
    const page = await client.get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="email"');
    expect(page.body).toContain('action="/sign-in"');
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    // A lifetime the browser counts from its own clock (2 hours to fill the form), not a server date.
    expect(setCookie).toMatch(/Max-Age=7200/);
    expect(setCookie).not.toMatch(/Expires=/i);
  });

  it('answers known and unknown addresses alike, and mails a link only to the known ones', async () => {
    await start();
    const client = new WebClient(app);
    await client.get('/');
    const known = await client.post('/sign-in', { email: 'Ana.Rivera@District.test' });
    const unknown = await client.post('/sign-in', { email: 'nobody@district.test' });
    expect(known.status).toBe(unknown.status);
    expect(known.body.replace('Ana.Rivera@District.test', 'X')).toBe(unknown.body.replace('nobody@district.test', 'X'));
    expect(known.body).toContain('Check your email');
    await vi_waitFor(() => mails.length === 1);
    expect(mails[0]?.to).toBe('Ana.Rivera@District.test');
    expect(mails[0]?.text).toMatch(/\/sign-in\/[A-Za-z0-9_-]{43}/);
    expect(mails[0]?.html).toContain('/sign-in/');
    // An admin from web.admins gets one too.
    await client.post('/sign-in', { email: admin });
    await vi_waitFor(() => mails.length === 2);
    expect(mails[1]?.to).toBe(admin);
  });

  it('echoes the typed address escaped', async () => {
    await start();
    const client = new WebClient(app);
    await client.get('/');
    const answer = await client.post('/sign-in', { email: '<b>x</b>@district.test' });
    expect(answer.body).toContain('&lt;b&gt;x&lt;/b&gt;@district.test');
    expect(answer.body).not.toContain('<b>x</b>');
  });

  it('shows only a button on GET, uses the link once on POST, and starts a new session', async () => {
    await start();
    const client = new WebClient(app);
    const path = await requestLink(client, teacher);
    const visitorSession = client.cookies.get('gradebridge_session');
    expect(visitorSession).toBeDefined();

    // Mail scanners fetch links: GET twice, still unused, and it shows only the button.
    await client.get(path);
    const page = await client.get(path);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Sign in as ${teacher}`);
    expect(page.body.match(/<form/g)?.length).toBe(1);

    const used = await client.post(path);
    expect(used.status).toBe(303);
    expect(used.location).toBe('/teacher');
    const signedIn = client.cookies.get('gradebridge_session');
    expect(signedIn).toBeDefined();
    expect(signedIn).not.toBe(visitorSession);
    const setCookie = String(used.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=43200/);

    expect((await client.get('/teacher')).status).toBe(200);
    // The session known before sign-in was not promoted: it opens nothing now.
    const old = new WebClient(app);
    old.cookies.set('gradebridge_session', visitorSession ?? '');
    expect((await old.get('/teacher')).status).toBe(303);
  });

  it('refuses a used link and an expired link', async () => {
    await start();
    const client = new WebClient(app);
    const path = await requestLink(client, teacher);
    await client.get(path);
    expect((await client.post(path)).status).toBe(303);

    const again = new WebClient(app);
    await again.get('/');
    const reused = await again.post(path);
    expect(reused.status).toBe(410);
    expect(reused.body).toContain('no longer works');
    expect(again.cookies.size).toBe(1);
    expect((await again.get('/teacher')).status).toBe(303);

    const late = new WebClient(app);
    const expiring = await requestLink(late, teacher);
    await late.get(expiring);
    clock = new Date(clock.getTime() + 15 * 60_000 + 1000);
    expect((await late.get(expiring)).status).toBe(410);
    expect((await late.post(expiring)).status).toBe(410);
    expect((await late.get('/teacher')).status).toBe(303);
  });

  it('accepts a link used within 15 minutes, and sends an admin to /admin', async () => {
    await start();
    const client = new WebClient(app);
    const path = await requestLink(client, admin);
    clock = new Date(clock.getTime() + 14 * 60_000);
    await client.get(path);
    const used = await client.post(path);
    expect(used.location).toBe('/admin');
    expect((await client.get('/admin')).status).toBe(200);
  });

  it('stores tokens and session IDs only as SHA-256 hashes', async () => {
    await start();
    const client = new WebClient(app);
    const path = await requestLink(client, teacher);
    const token = path.split('/').at(-1) ?? '';
    const tokens = await store.db.selectFrom('sign_in_tokens').selectAll().execute();
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(tokens)).not.toContain(token);
    expect(tokens[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    await client.get(path);
    await client.post(path);
    const sessionId = client.cookies.get('gradebridge_session') ?? '';
    const sessions = await store.db.selectFrom('web_sessions').selectAll().execute();
    expect(JSON.stringify(sessions)).not.toContain(sessionId);
    const requests = await store.db.selectFrom('sign_in_requests').selectAll().execute();
    expect(JSON.stringify(requests)).not.toContain(teacher);
  });

  it('signs out: the session is gone and pages send back to /', async () => {
    await start();
    const client = new WebClient(app);
    const path = await requestLink(client, teacher);
    await client.get(path);
    await client.post(path);
    const cookie = client.cookies.get('gradebridge_session') ?? '';
    await client.get('/teacher');
    const out = await client.post('/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/');
    const replay = new WebClient(app);
    replay.cookies.set('gradebridge_session', cookie);
    expect((await replay.get('/teacher')).location).toBe('/');
  });

  it('limits links to 5 per address per hour, for known and unknown addresses alike, with one 429 page', async () => {
    await start();
    const pages: Record<string, string[]> = { known: [], unknown: [] };
    for (const [label, email] of [['known', teacher], ['unknown', 'ghost@district.test']] as const) {
      for (let i = 0; i < 6; i += 1) {
        // A fresh client each time: the per-address limit does not depend on the client.
        const client = new WebClient(app);
        await client.get('/');
        const answer = await client.post('/sign-in', { email });
        pages[label]?.push(`${answer.status} ${answer.status === 429 ? answer.body : ''}`);
      }
    }
    expect(pages['known']?.slice(0, 5).every((p) => p.startsWith('200'))).toBe(true);
    expect(pages['known']?.[5]?.startsWith('429')).toBe(true);
    expect(pages['unknown']?.[5]).toBe(pages['known']?.[5]);
    await vi_waitFor(() => mails.length === 5);
    expect(mails).toHaveLength(5);

    clock = new Date(clock.getTime() + 61 * 60_000);
    const later = new WebClient(app);
    await later.get('/');
    expect((await later.post('/sign-in', { email: teacher })).status).toBe(200);
  });

  it('limits a client to 20 sign-in requests a minute, with the same 429 page', async () => {
    await start();
    const client = new WebClient(app);
    await client.get('/');
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 21; i += 1) {
      const answer = await client.post('/sign-in', { email: `person${i}@district.test` });
      statuses.push(answer.status);
      last = answer.body;
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(last).toContain('Too many sign-in requests');
    // The address limit's page is the same page.
    expect(last).toBe(await addressLimitPage());
  });

  async function addressLimitPage(): Promise<string> {
    const fresh = buildWebServer({ config: webTestConfig(), store, logger: silentLogger(), now: () => clock, sendMail: async () => {} });
    try {
      let body = '';
      for (let i = 0; i < 6; i += 1) {
        const client = new WebClient(fresh);
        await client.get('/');
        body = (await client.post('/sign-in', { email: 'limit@district.test' })).body;
      }
      return body;
    } finally {
      await fresh.close();
    }
  }

  it('builds links from web.publicUrl and marks the cookie Secure when it is https', async () => {
    await start({ publicUrl: 'https://grades.district.test/' });
    const client = new WebClient(app);
    const page = await client.get('/');
    expect(String(page.headers['set-cookie'])).toMatch(/Secure/);
    await client.post('/sign-in', { email: teacher });
    await vi_waitFor(() => mails.length === 1);
    expect(linkIn(mails[0]?.text ?? '')).toMatch(/^https:\/\/grades\.district\.test\/sign-in\//);
    // A forged Host header does not reach the link.
    await client.post('/sign-in', { email: teacher }, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    await vi_waitFor(() => mails.length === 2);
    expect(linkIn(mails[1]?.text ?? '')).toMatch(/^https:\/\/grades\.district\.test\/sign-in\//);
  });
});

/** The mail is handed to the sender while the answer is made; wait for it without sleeping blindly. */
async function vi_waitFor(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => {
    if (!condition()) throw new Error('not yet');
  });
}
