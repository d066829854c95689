/**
 * The teacher view over HTTP: own sections grouped by term with course, section and class size;
 * the opt-in switch (on, off, anything else off; 303 back); opt in all; grading windows from IC's
 * flag and the window calendar, "unknown" when IC does not answer; and the last grade run per
 * section with per-student detail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Store } from '../../src/store/open-store.ts';
import { readOptedInSections } from '../../src/store/opt-ins.ts';
import { insertRowOutcomes, type NewRowOutcome } from '../../src/store/row-outcomes.ts';
import { createRun, finishRun } from '../../src/store/runs.ts';
import type { LineItem } from '../../src/types.ts';
import { buildWebServer } from '../../src/web/server.ts';
import type { SignInMail } from '../../src/web/send-sign-in-link.ts';
import { openFreshStore } from '../helpers/stores.ts';
import { mainOf, outcomeRow, seedRoster, signInAs, webTestConfig, type WebClient } from '../helpers/web.ts';

const rivera = 'ana.rivera@district.test';
const now = new Date('2026-12-02T15:00:00Z');

describe('teacher view', () => {
  let store: Store;
  let app: FastifyInstance;
  let mails: SignInMail[];

  async function start(options: { config?: Config; readLineItems?: (classSourcedId: string) => Promise<LineItem[]> } = {}): Promise<WebClient> {
    store = await openFreshStore('sqlite');
    await seedRoster(store);
    mails = [];
    app = buildWebServer({
      config: options.config ?? webTestConfig(),
      store,
      logger: silentLogger(),
      now: () => now,
      sendMail: async (mail) => {
        mails.push(mail);
      },
      readLineItems:
        options.readLineItems ??
        (async () => {
          throw new Error('IC does not answer');
        }),
    });
    return signInAs(app, mails, rivera);
  }

  afterEach(async () => {
    await app?.close();
    await store?.close();
  });

  it('lists own sections grouped by term, with course, section code, school and number of students', async () => {
    const client = await start();
    const page = mainOf((await client.get('/teacher')).body);
    const s1 = page.indexOf('Semester 1');
    const s2 = page.indexOf('Semester 2');
    expect(s1).toBeGreaterThan(-1);
    expect(s2).toBeGreaterThan(s1);
    const algebra = page.indexOf('Algebra I — Algebra I - P1');
    const chemistry = page.indexOf('Chemistry — Chemistry - P5');
    expect(algebra).toBeGreaterThan(s1);
    expect(algebra).toBeLessThan(s2);
    expect(chemistry).toBeGreaterThan(s2);
    expect(page).toContain('Section ALG-1 · Lincoln High · 2 students');
    expect(page).toContain('Section GEO-3 · Lincoln High · 0 students');
    expect(page).toContain('(2026-08-20 – 2026-12-18)');
  });

  it('opts a section in with optIn=on and out with off, anything else or nothing, answering 303 to /teacher', async () => {
    const client = await start();
    await client.get('/teacher');
    const on = await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on' });
    expect(on.status).toBe(303);
    expect(on.location).toBe('/teacher');
    expect(await readOptedInSections(store)).toEqual(new Set(['cls-alg']));
    const row = await store.db.selectFrom('opt_ins').selectAll().where('section_school_code', '=', 'cls-alg').executeTakeFirstOrThrow();
    expect(row.changed_by).toBe(rivera);
    const page = mainOf((await client.get('/teacher')).body);
    expect(page).toMatch(/Opted in<\/span>[\s\S]*value="off"[\s\S]*Opt out/);

    const forms: Record<string, string>[] = [{ optIn: 'off' }, { optIn: 'yes' }, { optIn: 'ON' }, {}];
    for (const form of forms) {
      await client.post('/teacher/sections/cls-alg/opt-in', { optIn: 'on' });
      expect((await client.post('/teacher/sections/cls-alg/opt-in', form)).status).toBe(303);
      expect(await readOptedInSections(store), JSON.stringify(form)).toEqual(new Set());
    }
  });

  it('opts in all sections at once and then offers it no more', async () => {
    const client = await start();
    const before = mainOf((await client.get('/teacher')).body);
    expect(before).toContain('3 of your 3 sections are not opted in.');
    expect((await client.post('/teacher/opt-in-all', { optIn: 'on' })).location).toBe('/teacher');
    expect(await readOptedInSections(store)).toEqual(new Set(['cls-alg', 'cls-chem', 'cls-geo']));
    const after = mainOf((await client.get('/teacher')).body);
    expect(after).not.toContain('Opt in all');
    expect(after.match(/>Opted in</g)).toHaveLength(3);
  });

  it('shows no opt-in switch when teachers need not opt in', async () => {
    const client = await start({ config: webTestConfig({ extra: { gradePassback: { ...gradePassbackYaml(), teachersMustOptIn: false } } }) });
    const page = mainOf((await client.get('/teacher')).body);
    expect(page).toContain('Final grades of all your sections pass');
    expect(page).not.toMatch(/<form/);
  });

  it("shows each section's grading windows: IC's flag, the calendar's next change, and only the configured tasks", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-web-calendar-'));
    const calendar = path.join(dir, 'windows.csv');
    writeFileSync(calendar, 'School,Task ID,Term,Opens At,Closes At\nLHS,201,term-s1,2026-12-01 08:00,2026-12-18 17:00\n');
    const items: Record<string, LineItem[]> = {
      'cls-alg': [
        { sourcedId: 'li-1', classSourcedId: 'cls-alg', title: 'Semester 1 Grade', taskId: 101, termSourcedId: 'term-s1', windowOpenFlag: false },
        { sourcedId: 'li-2', classSourcedId: 'cls-alg', title: 'Final Grade', taskId: 201, termSourcedId: 'term-s1', windowOpenFlag: null },
        { sourcedId: 'li-3', classSourcedId: 'cls-alg', title: 'Citizenship', taskId: 999, termSourcedId: 'term-s1', windowOpenFlag: true },
      ],
      'cls-geo': [{ sourcedId: 'li-4', classSourcedId: 'cls-geo', title: 'Semester 1 Grade', taskId: 101, termSourcedId: 'term-s1', windowOpenFlag: true }],
    };
    const client = await start({
      config: webTestConfig({ extra: { gradingWindows: { calendarFile: calendar } } }),
      readLineItems: async (classSourcedId) => {
        const found = items[classSourcedId];
        if (!found) throw new Error('IC timed out');
        return found;
      },
    });
    const page = mainOf((await client.get('/teacher')).body);
    const algebra = sectionCard(page, 'Algebra I — Algebra I - P1');
    expect(algebra).toContain('Semester 1 Grade <span class="hint">(Semester 1)</span> <span class="badge">closed</span>');
    // Dec 18, 17:00 in Chicago.
    expect(algebra).toContain('Final Grade <span class="hint">(Semester 1)</span> <span class="badge ok">open</span> · closes Dec 18, 2026, 5:00 PM CST');
    expect(algebra).not.toContain('Citizenship');
    expect(sectionCard(page, 'Geometry — Geometry - P3')).toContain('Semester 1 Grade <span class="hint">(Semester 1)</span> <span class="badge ok">open</span>');
    expect(sectionCard(page, 'Chemistry — Chemistry - P5')).toContain('<span class="badge">unknown</span>');
  });

  it('shows "unknown" windows when IC does not answer, and the page still works', async () => {
    const client = await start();
    const answer = await client.get('/teacher');
    expect(answer.status).toBe(200);
    expect(mainOf(answer.body).match(/badge">unknown</g)).toHaveLength(3);
  });

  it('shows what the last grade run did per section, with per-student detail and reasons', async () => {
    const client = await start();
    await recordRun(store, 'run-old', '2026-12-01T12:00:00Z', false, [row('cls-alg', 'S1002', 'posted', 50)]);
    await recordRun(store, 'run-last', '2026-12-02T12:00:00Z', false, [
      row('cls-alg', 'S1001', 'posted', 91.5, 'A-'),
      row('cls-alg', 'S1002', 'unchanged', 88),
      row('cls-alg', 'S1003', 'unmapped-student', null),
      row('cls-geo', 'S1002', 'not-opted-in', 70),
      row('cls-geo', 'S1001', 'failed', 65, null, 'IC refused the letter grade "Z"'),
      row('cls-bio', 'S1002', 'posted', 77),
    ]);
    // A later preview does not replace what IC holds.
    await recordRun(store, 'run-preview', '2026-12-02T13:00:00Z', true, [row('cls-alg', 'S1001', 'planned', 99)]);

    const page = mainOf((await client.get('/teacher')).body);
    expect(page).toContain('Last grade run: <time datetime="2026-12-02T12:00:00.000Z">');
    const algebra = sectionCard(page, 'Algebra I — Algebra I - P1');
    expect(algebra).toContain('posted: 1');
    expect(algebra).toContain('unchanged: 1');
    expect(algebra).toContain('unmapped-student: 1');
    expect(algebra).toContain('Per-student detail (3)');
    expect(algebra).toContain('Maya Okafor');
    expect(algebra).toContain('91.5');
    expect(algebra).toContain('The student ID matches no IC student of this class.');
    expect(algebra).not.toContain('>99<');
    const geometry = sectionCard(page, 'Geometry — Geometry - P3');
    expect(geometry).toContain('not-opted-in: 1');
    expect(geometry).toContain('failed: 1');
    expect(geometry).toContain('IC refused the letter grade &quot;Z&quot;');
    expect(sectionCard(page, 'Chemistry — Chemistry - P5')).toContain('this section had no grades in the export it read');
    // Another teacher's section: its score is in no cell (a bare '77' could be part of a CSRF token).
    expect(page).not.toContain('>77<');
    expect(page).toContain('>91.5<');
  });
});

function gradePassbackYaml() {
  return {
    sftp: { host: '127.0.0.1', username: 'schoology', password: { env: 'SFTP_PASSWORD' }, hostKeyCheck: false, remoteDir: '/export' },
    termTaskIds: [101],
    overallTaskIds: [201],
  };
}

/** The HTML of the section card whose heading is `heading`. */
function sectionCard(page: string, heading: string): string {
  const start = page.indexOf(`>${heading}</h3>`);
  if (start < 0) throw new Error(`no section card "${heading}"`);
  const end = page.indexOf('</article>', start);
  return page.slice(start, end);
}

function row(section: string, student: string, outcome: string, score: number | null, letter: string | null = null, message: string | null = null): NewRowOutcome {
  return outcomeRow(section, student, outcome, { score, letter, message });
}

async function recordRun(store: Store, id: string, startedAt: string, dryRun: boolean, rows: NewRowOutcome[]): Promise<void> {
  const started = new Date(startedAt);
  await createRun(store, { id, pipeline: 'grades', trigger: 'schedule', dryRun, full: false, scope: null, startedAt: started });
  await insertRowOutcomes(store, id, rows);
  await finishRun(store, id, { status: 'succeeded', rows: rows.length, counts: {}, error: null, finishedAt: new Date(started.getTime() + 60_000), durationMs: 60_000 });
}
