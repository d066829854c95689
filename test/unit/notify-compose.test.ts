import { describe, expect, it } from 'vitest';
import { composeRunNotice, decideRunNotice } from '../../src/notify/compose-run-notice.ts';
import { composeExpiryWarning, daysUntil, districtToday, expiryThresholdFor } from '../../src/notify/credential-expiry.ts';
import { escapeHtml, renderHtml, renderText } from '../../src/notify/notice-document.ts';
import { remedies } from '../../src/errors.ts';
import type { Run } from '../../src/store/runs.ts';

const sha = 'ab'.repeat(32);
const file = { remotePath: '/export/Final Grades.csv', size: 100, mtime: new Date('2026-12-02T01:30:00Z'), sha256: sha };

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    pipeline: 'grades',
    status: 'succeeded',
    trigger: 'schedule',
    dryRun: false,
    full: false,
    scope: null,
    sourceFile: file,
    rows: 10,
    counts: { rows: 10, planned: 4, posted: 4, unchanged: 0, failed: 0, skipped: {} },
    error: null,
    notice: null,
    startedAt: '2026-12-02T12:00:00.000Z',
    finishedAt: '2026-12-02T12:01:00.000Z',
    durationMs: 60_000,
    ...overrides,
  };
}

const previous = run({ id: 'run-0', startedAt: '2026-12-01T12:00:00.000Z' });
const otherFile = run({ id: 'run-0', sourceFile: { ...file, sha256: 'cd'.repeat(32) } });
const missing = { code: 'EXPORT_MISSING', message: 'No export file.' };

describe('which notice a run sends', () => {
  it.each<[string, Partial<Run>, Run | null, string | null]>([
    ['a successful scheduled run on a new file', {}, otherFile, null],
    ['a successful scheduled run on the same file', {}, previous, 'no-new-file'],
    ['a successful catch-up run on the same file', { trigger: 'catch-up' }, previous, 'no-new-file'],
    ['a successful CLI run on the same file', { trigger: 'cli' }, previous, null],
    ['a successful admin run on the same file', { trigger: 'admin' }, previous, null],
    ['the first run ever', {}, null, null],
    ['a partial run on the same file', { status: 'partial' }, previous, 'partial'],
    ['a scheduled run with no file', { status: 'failed', sourceFile: null, error: missing }, previous, 'no-new-file'],
    ['a CLI run with no file', { trigger: 'cli', status: 'failed', sourceFile: null, error: missing }, previous, 'failed'],
    ['a failed run', { status: 'failed', error: { code: 'IC_CREDENTIALS_REJECTED', message: 'x' } }, null, 'failed'],
    ['a partial run', { status: 'partial' }, otherFile, 'partial'],
    ['a dry run that failed', { dryRun: true, status: 'failed' }, null, null],
    ['a partial roster run', { pipeline: 'roster', status: 'partial', sourceFile: null }, null, 'partial'],
    ['a run stopped by a shutdown', { status: 'failed', error: { code: 'RUN_STOPPED', message: 'stopped' } }, null, null],
    ['a run still going', { status: 'running' }, null, null],
  ])('%s', (_name, overrides, prev, expected) => {
    expect(decideRunNotice(run(overrides), prev)).toBe(expected);
  });
});

describe('the run notice', () => {
  const facts = {
    outcomes: [],
    refusals: [{ outcome: 'failed', message: '<b>"B+"</b> is not on the scale & more', count: 3 }],
    previousFileRun: null,
    slot: null,
    publicUrl: 'https://grades.district.org/',
    timezone: 'America/Chicago',
  };

  it('gives the remedy of a known cause once, not twice', () => {
    const failed = run({ status: 'failed', error: { code: 'SFTP_HOST_KEY_MISMATCH', message: `The host key changed. ${remedies.sftpHostKeyChanged}` } });
    const text = renderText(composeRunNotice({ ...facts, kind: 'failed', run: failed }));
    expect(text.split(remedies.sftpHostKeyChanged)).toHaveLength(2);
    expect(text).toContain('What failed: the run stopped (SFTP_HOST_KEY_MISMATCH): The host key changed.\n');
    expect(text).toContain('The run on the status page: https://grades.district.org/runs/run-1');
  });

  it('says no file was read, and when every window was closed', () => {
    const closed = run({ status: 'partial', sourceFile: null, counts: { planned: 2, posted: 0, unchanged: 0, failed: 2, skipped: { 'window-closed': 5 } } });
    const text = renderText(composeRunNotice({ ...facts, kind: 'partial', run: closed }));
    expect(text).toContain('No file was read');
    expect(text).toContain(remedies.windowsClosed);
  });

  it('names a catch-up and how late it ran', () => {
    const slot = { pipeline: 'grades' as const, slotAt: '2026-12-02T06:00:00.000Z', status: 'done' as const, trigger: 'catch-up' as const, lateMs: 3.5 * 3600_000, claimedBy: 'x', claimedAt: '', requestId: null, runId: 'run-1', startedAt: null, endedAt: null };
    const text = renderText(composeRunNotice({ ...facts, slot, kind: 'partial', run: run({ trigger: 'catch-up', status: 'partial' }) }));
    expect(text).toContain('as a catch-up of a missed daily slot');
    expect(text).toContain('the daily slot of Wed 2 Dec 2026 at 00:00 CST was missed (gradebridge was down or busy) and ran 3 h 30 min late.');
  });

  it('escapes everything in the HTML part', () => {
    const html = renderHtml(composeRunNotice({ ...facts, kind: 'partial', run: run({ status: 'partial' }) }));
    expect(html).toContain('3 × &lt;b&gt;&quot;B+&quot;&lt;/b&gt; is not on the scale &amp; more');
    expect(html).not.toContain('<b>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('credential expiry', () => {
  it.each([
    [45, null],
    [31, null],
    [30, 30],
    [8, 30],
    [7, 7],
    [2, 7],
    [1, 1],
    [0, 1],
    [-3, 1],
  ])('%i days left: the %s-day warning is due', (daysLeft, threshold) => {
    expect(expiryThresholdFor(daysLeft)).toBe(threshold);
  });

  it('counts days in the district time zone', () => {
    // 03:00 GMT on Dec 2 is still Dec 1 in Chicago.
    expect(districtToday(new Date('2026-12-02T03:00:00Z'), 'America/Chicago')).toBe('2026-12-01');
    expect(daysUntil('2026-12-31', '2026-12-01')).toBe(30);
    expect(daysUntil('2027-03-15', '2027-03-13')).toBe(2);
    expect(daysUntil('2026-11-30', '2026-12-01')).toBe(-1);
  });

  it('words the warning by how far off the date is', () => {
    expect(composeExpiryWarning('2027-05-01', 30, undefined).subject).toBe('gradebridge: Infinite Campus credentials expire in 30 days (2027-05-01)');
    expect(composeExpiryWarning('2027-05-01', 0, undefined).subject).toBe('gradebridge: Infinite Campus credentials expire today (2027-05-01)');
    expect(composeExpiryWarning('2027-05-01', -2, undefined).subject).toBe('gradebridge: Infinite Campus credentials expired 2 days ago (2027-05-01)');
  });
});
