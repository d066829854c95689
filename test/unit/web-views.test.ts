/** The status page's pure pieces: escaping, settings masking, term grouping, CSV cells, counts, log redaction. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { RosterTermRow } from '../../src/store/tables.ts';
import { escapeHtml, html, queryString } from '../../src/web/html.ts';
import { neutralizeFormula } from '../../src/web/run-outcomes-csv.ts';
import { logSafeUrl } from '../../src/web/log-safe-url.ts';
import { maskUrlCredentials, settingsInEffect } from '../../src/web/settings-view.ts';
import { outermostTerms } from '../../src/web/teacher-view.ts';
import { countEntries, skipEntries } from '../../src/web/views/format.ts';

describe('html', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onmouseover="x`, '&quot; onmouseover=&quot;x'],
    ["O'Connor & Sons", 'O&#39;Connor &amp; Sons'],
  ])('escapes %s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
    expect(html`<p title="${input}">${input}</p>`.text).toBe(`<p title="${expected}">${expected}</p>`);
  });

  it('keeps nested templates as markup, joins lists, drops empty values, and prints numbers', () => {
    const items = ['a<b', 'c'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${0}`.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('builds query strings from the non-empty values', () => {
    expect(queryString({ outcome: 'not-opted-in', school: '', page: 2, teacher: undefined })).toBe('?outcome=not-opted-in&page=2');
    expect(queryString({})).toBe('');
  });
});

describe('settings in effect', () => {
  const env = { IC_ID: 'id-value-1234', IC_SECRET: 'secret-value-5678', SFTP_PW: 'sftp-value-9012' };
  const config = parseConfig(
    {
      smtp: { url: 'smtps://mailer:p4ss-in-url@mail.district.org:465', from: 'gb@district.org' },
      infiniteCampus: { baseUrl: 'https://ic.example/api', tokenUrl: 'https://ic.example/token', clientId: { env: 'IC_ID' }, clientSecret: { env: 'IC_SECRET' } },
      gradePassback: { sftp: { host: 'sftp.example', username: 'u', password: { env: 'SFTP_PW' }, hostKeyCheck: false }, termTaskIds: [101, 102], overallTaskIds: [] },
    },
    { baseDir: '/etc/gradebridge', env },
  );

  it('shows where each secret comes from and never its value', () => {
    const groups = settingsInEffect(config, 'sqlite:/var/lib/gb.db');
    const text = JSON.stringify(groups);
    for (const value of Object.values(env)) expect(text).not.toContain(value);
    expect(text).not.toContain('p4ss-in-url');
    const rows = new Map(groups.flatMap((g) => g.rows ?? []).map((r) => [r.key, r.value]));
    expect(rows.get('infiniteCampus.clientSecret')).toBe('set (env IC_SECRET)');
    expect(rows.get('gradePassback.sftp.password')).toBe('set (env SFTP_PW)');
    expect(rows.get('smtp.url')).toBe('smtps://mailer:••••••@mail.district.org:465');
    expect(rows.get('gradePassback.termTaskIds')).toBe('101, 102');
    expect(rows.get('gradePassback.overallTaskIds')).toBe('(none)');
    expect(rows.get('gradePassback.autoExportTitle')).toBe('(blank)');
    expect(rows.get('store')).toBe('sqlite:/var/lib/gb.db');
    expect(groups.find((g) => g.key === 'rosterProvisioning')?.rows).toBeNull();
  });

  it.each([
    ['smtp://user:pw@host:25', 'smtp://user:••••••@host:25'],
    ['postgres://gb:pw@db/grades', 'postgres://gb:••••••@db/grades'],
    ['smtp://host:25', 'smtp://host:25'],
    ['https://grades.district.org/x', 'https://grades.district.org/x'],
  ])('masks the password in %s', (url, masked) => {
    expect(maskUrlCredentials(url)).toBe(masked);
  });
});

describe('outermostTerms', () => {
  const term = (id: string, title: string, start: string | null, end: string | null): RosterTermRow => ({
    sourced_id: id,
    title,
    type: 'term',
    school_year: '2027',
    start_date: start,
    end_date: end,
    school_sourced_id: null,
    grading_period_id: null,
    grading_period_title: null,
  });
  const s1 = term('s1', 'Semester 1', '2026-08-19', '2026-12-18');
  const s2 = term('s2', 'Semester 2', '2027-01-05', '2027-05-28');
  const q1 = term('q1', 'Quarter 1', '2026-08-19', '2026-10-16');
  const q2 = term('q2', 'Quarter 2', '2026-10-19', '2026-12-18');
  const q3 = term('q3', 'Quarter 3', '2027-01-05', '2027-03-12');

  it.each([
    ['a full-year class by its semesters', [q3, s2, q1, s1, q2], ['s1', 's2']],
    ['a one-semester class by its semester', [q1, s1, q2], ['s1']],
    ['a quarter class by its quarter', [q2], ['q2']],
    ['terms without dates as they are', [term('x', 'X', null, null), q1], ['x', 'q1']],
    ['two terms with the same dates once', [s1, term('s1b', 'Fall', '2026-08-19', '2026-12-18')], ['s1']],
  ])('groups %s', (_what, terms, expected) => {
    expect(outermostTerms(terms).map((t) => t.sourced_id).sort()).toEqual([...expected].sort());
  });
});

describe('CSV cells and counts', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['+1', `'+1`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['-bad', `'-bad`],
    ['-5', '-5'],
    ['cls-alg1-p1', 'cls-alg1-p1'],
  ])('neutralizes %s', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it('summarizes grade counts with the skipped total, and roster counts summed over kinds', () => {
    expect(countEntries({ rows: 52, planned: 26, posted: 26, unchanged: 0, failed: 1, skipped: { 'not-opted-in': 2, 'window-closed': 12 } })).toEqual([
      ['rows', 52],
      ['planned', 26],
      ['posted', 26],
      ['unchanged', 0],
      ['failed', 1],
      ['skipped', 14],
    ]);
    expect(skipEntries({ skipped: { 'not-opted-in': 2, 'no-task': 0 } })).toEqual([['not-opted-in', 2]]);
    expect(countEntries({ users: { created: 2, updated: 1, skipped: 3 }, courses: { created: 1, updated: 0, skipped: 0 } })).toEqual([
      ['created', 3],
      ['updated', 1],
      ['skipped', 3],
    ]);
  });
});

describe('logSafeUrl', () => {
  it('keeps sign-in tokens out of logged URLs', () => {
    expect(logSafeUrl('/sign-in/abcDEF123_-abcDEF123_-abcDEF123_-abcDEF1234')).toBe('/sign-in/[token]');
    expect(logSafeUrl('/sign-in')).toBe('/sign-in');
    expect(logSafeUrl('/runs/r1?outcome=failed')).toBe('/runs/r1?outcome=failed');
  });
});
