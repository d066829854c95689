import { describe, expect, it } from 'vitest';
import { ExportFileError } from '../../src/errors.ts';
import { parseDistrictDateTime } from '../../src/grading-windows/district-date-time.ts';
import { parseWindowCalendar } from '../../src/grading-windows/parse-window-calendar.ts';
import type { WindowCalendarEntry } from '../../src/grading-windows/window-calendar-entry.ts';
import { makeWindowChecker, nextWindowChange } from '../../src/grading-windows/window-status.ts';
import { windowFlagFrom } from '../../src/load/read-line-items.ts';
import type { LineItem } from '../../src/types.ts';

const chicago = 'America/Chicago';

describe('parseDistrictDateTime', () => {
  it.each([
    { zone: chicago, text: '2026-12-01 08:00', utc: '2026-12-01T14:00:00.000Z' },
    { zone: chicago, text: '2026-07-01 08:00', utc: '2026-07-01T13:00:00.000Z' },
    { zone: chicago, text: '2026-12-01T08:00', utc: '2026-12-01T14:00:00.000Z' },
    { zone: chicago, text: '2026-12-01 08:00:30', utc: '2026-12-01T14:00:30.000Z' },
    { zone: chicago, text: '2026-12-31 23:59', utc: '2027-01-01T05:59:00.000Z' },
    // An offset names its own instant, whatever the district zone.
    { zone: chicago, text: '2026-12-01T08:00:00-05:00', utc: '2026-12-01T13:00:00.000Z' },
    { zone: chicago, text: '2026-12-01T08:00Z', utc: '2026-12-01T08:00:00.000Z' },
    { zone: chicago, text: '2026-12-01T08:00:00.250Z', utc: '2026-12-01T08:00:00.250Z' },
    // Spring forward (2026-03-08, 02:00 CST -> 03:00 CDT): around the gap.
    { zone: chicago, text: '2026-03-08 01:59', utc: '2026-03-08T07:59:00.000Z' },
    { zone: chicago, text: '2026-03-08 03:00', utc: '2026-03-08T08:00:00.000Z' },
    // Fall back (2026-11-01, 02:00 CDT -> 01:00 CST): 01:30 happens twice; the first counts.
    { zone: chicago, text: '2026-11-01 00:59', utc: '2026-11-01T05:59:00.000Z' },
    { zone: chicago, text: '2026-11-01 01:30', utc: '2026-11-01T06:30:00.000Z' },
    { zone: chicago, text: '2026-11-01 02:00', utc: '2026-11-01T08:00:00.000Z' },
    // A half-hour shift (Lord Howe Island): 01:45 happens twice on 2026-04-05.
    { zone: 'Australia/Lord_Howe', text: '2026-04-05 01:45', utc: '2026-04-04T14:45:00.000Z' },
    { zone: 'UTC', text: '2026-03-08 02:30', utc: '2026-03-08T02:30:00.000Z' },
  ])('$text in $zone is $utc', ({ zone, text, utc }) => {
    const parsed = parseDistrictDateTime(text, zone);
    expect(parsed.ok && parsed.instant.toISOString()).toBe(utc);
  });

  it.each([
    { zone: chicago, text: '2026-03-08 02:30', problem: '"2026-03-08 02:30" does not exist in America/Chicago (the clocks skip that hour)' },
    { zone: 'Europe/Berlin', text: '2026-03-29 02:30', problem: '"2026-03-29 02:30" does not exist in Europe/Berlin (the clocks skip that hour)' },
    { zone: 'Australia/Lord_Howe', text: '2026-10-04 02:15', problem: '"2026-10-04 02:15" does not exist in Australia/Lord_Howe (the clocks skip that hour)' },
    { zone: chicago, text: '2026-02-30 08:00', problem: 'is not a real date or time' },
    { zone: chicago, text: '2026-12-01 24:00', problem: 'is not a real date or time' },
    { zone: chicago, text: '2026-12-01', problem: 'expected a date and time like 2026-12-01 08:00' },
    { zone: chicago, text: '12/01/2026 08:00', problem: 'expected a date and time like 2026-12-01 08:00' },
    { zone: chicago, text: '2026-12-01 8:00', problem: 'expected a date and time like 2026-12-01 08:00' },
    { zone: chicago, text: 'tomorrow', problem: 'expected a date and time like 2026-12-01 08:00' },
    { zone: chicago, text: '', problem: 'expected a date and time like 2026-12-01 08:00' },
  ])('refuses $text in $zone', ({ zone, text, problem }) => {
    const parsed = parseDistrictDateTime(text, zone);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe('parseWindowCalendar', () => {
  const source = { source: 'windows.csv', timezone: chicago };

  it('reads entries with any header spelling, BOM, CRLF, blank lines and extra columns', () => {
    const text =
      '\uFEFF school ,TASK_ID,Term,opens-at,Closes  At,Note\r\n' +
      'sch-1,101,t-q1,2026-12-01 08:00,2026-12-15 17:00,first quarter\r\n' +
      '\r\n' +
      ',,,,,\r\n' +
      '0042, 201 ,t-s1,2026-11-01T01:30,2027-01-10T00:00:00Z,"reopened,\nafter review"\r\n' +
      'sch-2,101,t-q1,2026-03-08 03:00,2026-03-09 03:00,\r\n';
    expect(parseWindowCalendar(text, source)).toEqual<WindowCalendarEntry[]>([
      {
        line: 2,
        school: 'sch-1',
        taskId: 101,
        term: 't-q1',
        opensAt: new Date('2026-12-01T14:00:00Z'),
        closesAt: new Date('2026-12-15T23:00:00Z'),
      },
      {
        line: 5,
        school: '0042',
        taskId: 201,
        term: 't-s1',
        opensAt: new Date('2026-11-01T06:30:00Z'),
        closesAt: new Date('2027-01-10T00:00:00Z'),
      },
      {
        line: 7,
        school: 'sch-2',
        taskId: 101,
        term: 't-q1',
        opensAt: new Date('2026-03-08T08:00:00Z'),
        closesAt: new Date('2026-03-09T08:00:00Z'),
      },
    ]);
  });

  it('reads UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode('School,Task ID,Term,Opens At,Closes At\nÉcole-1,101,t-q1,2026-12-01 08:00,2026-12-02 08:00\n');
    expect(parseWindowCalendar(bytes, source).map((e) => e.school)).toEqual(['École-1']);
  });

  it('a header alone is an empty calendar', () => {
    expect(parseWindowCalendar('School,Task ID,Term,Opens At,Closes At\n', source)).toEqual([]);
  });

  const header = 'School,Task ID,Term,Opens At,Closes At\n';
  it.each([
    { name: 'an empty file', text: '', message: 'Window calendar windows.csv, line 1: the file is empty' },
    { name: 'a missing column', text: 'School,Task ID,Term,Opens At\n', message: 'line 1: missing column "Closes At"' },
    {
      name: 'a column twice',
      text: 'School,Task ID,Term,Opens At,Closes At,closes_at\n',
      message: 'line 1: column "Closes At" appears 2 times',
    },
    { name: 'too few fields', text: `${header}sch-1,101,t-q1,2026-12-01 08:00\n`, message: 'line 2: expected 5 fields, found 4' },
    {
      name: 'a task ID that is not digits',
      text: `${header}sch-1,Q101,t-q1,2026-12-01 08:00,2026-12-02 08:00\n`,
      message: 'line 2: "Task ID" expected a grading task ID (digits)',
    },
    {
      name: 'an empty school',
      text: `${header} ,101,t-q1,2026-12-01 08:00,2026-12-02 08:00\n`,
      message: 'line 2: "School" is empty',
    },
    {
      name: 'a date without a time',
      text: `${header}sch-1,101,t-q1,2026-12-01 08:00,2026-12-02\n`,
      message: 'line 2: "Closes At" expected a date and time like 2026-12-01 08:00',
    },
    {
      name: 'a time in the spring gap',
      text: `${header}sch-1,101,t-q1,2026-03-08 02:30,2026-03-09 08:00\n`,
      message: 'line 2: "Opens At" "2026-03-08 02:30" does not exist in America/Chicago',
    },
    {
      name: 'a window closing before it opens',
      text: `${header}sch-1,101,t-q1,2026-12-02 08:00,2026-12-01 08:00\n`,
      message: 'line 2: "Closes At" must be after Opens At',
    },
    {
      name: 'a window closing when it opens (an hour apart in local time, across fall back)',
      text: `${header}sch-1,101,t-q1,2026-11-01T01:30:00-06:00,2026-11-01 01:30\n`,
      message: 'line 2: "Closes At" must be after Opens At',
    },
    {
      name: 'a bad line after a multi-line field, named by its first line',
      text: `School,Task ID,Term,Opens At,Closes At,Note\nsch-1,101,t-q1,2026-12-01 08:00,2026-12-02 08:00,"a\nb"\nsch-1,101,t-q1,soon,2026-12-02 08:00,\n`,
      message: 'line 4: "Opens At" expected a date and time',
    },
    {
      name: 'an unclosed quote',
      text: `${header}sch-1,101,"t-q1,2026-12-01 08:00,2026-12-02 08:00\n`,
      message: 'Window calendar windows.csv, line ',
    },
    {
      name: 'bytes that are not UTF-8',
      text: new Uint8Array([0x53, 0x63, 0x68, 0x6f, 0x6f, 0x6c, 0xff, 0x0a]),
      message: 'Window calendar windows.csv is not UTF-8 text.',
    },
  ])('refuses $name with WINDOW_CALENDAR_INVALID', ({ text, message }) => {
    let thrown: unknown;
    try {
      parseWindowCalendar(text, source);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExportFileError);
    expect(thrown).toMatchObject({ code: 'WINDOW_CALENDAR_INVALID' });
    expect((thrown as ExportFileError).message).toContain(message);
    expect((thrown as ExportFileError).remedy).toBeTruthy();
  });
});

function lineItem(overrides: Partial<LineItem> = {}): LineItem {
  return {
    sourcedId: 'li-1',
    classSourcedId: 'cls-1',
    title: 'Q1 Grade',
    taskId: 101,
    termSourcedId: 't-q1',
    windowOpenFlag: null,
    ...overrides,
  };
}

function entry(school: string, taskId: number, term: string, opensAt: string, closesAt: string): WindowCalendarEntry {
  return { line: 2, school, taskId, term, opensAt: new Date(opensAt), closesAt: new Date(closesAt) };
}

// sch-1 (identifier 0042): Q1 grades from 2026-12-01 08:00 to 2026-12-15 17:00 Chicago (CST, UTC-6).
const calendar = [
  entry('sch-1', 101, 't-q1', '2026-12-01T14:00:00Z', '2026-12-15T23:00:00Z'),
  entry('0042', 102, 't-q1', '2026-12-01T14:00:00Z', '2026-12-15T23:00:00Z'),
  // Spring: opens at 03:00 CDT on the day clocks spring forward.
  entry('sch-1', 101, 't-q3', '2026-03-08T08:00:00Z', '2026-03-20T22:00:00Z'),
];
const schoolAliases = (school: string) => (school === 'sch-1' ? ['0042'] : []);

describe('makeWindowChecker', () => {
  it.each([
    { name: 'IC flag true, no calendar entry', item: { windowOpenFlag: true, taskId: 999 }, now: '2026-06-01T00:00:00Z', open: true },
    { name: 'IC flag false, inside a calendar window', item: { windowOpenFlag: false }, now: '2026-12-05T00:00:00Z', open: false },
    { name: 'before the window', item: {}, now: '2026-12-01T13:59:59.999Z', open: false },
    { name: 'the instant it opens (08:00 Chicago)', item: {}, now: '2026-12-01T14:00:00Z', open: true },
    { name: 'the last moment before it closes', item: {}, now: '2026-12-15T22:59:59.999Z', open: true },
    { name: 'the instant it closes (17:00 Chicago)', item: {}, now: '2026-12-15T23:00:00Z', open: false },
    { name: 'an entry under the school identifier', item: { taskId: 102 }, now: '2026-12-05T00:00:00Z', open: true },
    { name: 'another school', item: {}, now: '2026-12-05T00:00:00Z', open: false, school: 'sch-2' },
    { name: 'another task', item: { taskId: 103 }, now: '2026-12-05T00:00:00Z', open: false },
    { name: 'another term', item: { termSourcedId: 't-q2' }, now: '2026-12-05T00:00:00Z', open: false },
    { name: 'a line item without a task', item: { taskId: null }, now: '2026-12-05T00:00:00Z', open: false },
    { name: 'a line item without a term', item: { termSourcedId: null }, now: '2026-12-05T00:00:00Z', open: false },
    { name: 'spring forward: 02:59 CST', item: { termSourcedId: 't-q3' }, now: '2026-03-08T07:59:59Z', open: false },
    { name: 'spring forward: 03:00 CDT', item: { termSourcedId: 't-q3' }, now: '2026-03-08T08:00:00Z', open: true },
  ])('$name: open $open', ({ item, now, open, school }) => {
    const isOpen = makeWindowChecker({ calendar, now: new Date(now), schoolAliases });
    expect(isOpen(lineItem(item), school ?? 'sch-1')).toBe(open);
  });

  it('without a calendar and without a flag, every line item is closed', () => {
    const isOpen = makeWindowChecker({ calendar: [], now: new Date('2026-12-05T00:00:00Z') });
    expect(isOpen(lineItem(), 'sch-1')).toBe(false);
  });

  it('without aliases, only the sourcedId matches', () => {
    const isOpen = makeWindowChecker({ calendar, now: new Date('2026-12-05T00:00:00Z') });
    expect(isOpen(lineItem({ taskId: 102 }), 'sch-1')).toBe(false);
  });

  it('a window reopened by a second entry is open in both', () => {
    const reopened = [
      entry('sch-1', 101, 't-q1', '2026-12-01T14:00:00Z', '2026-12-05T14:00:00Z'),
      entry('sch-1', 101, 't-q1', '2026-12-10T14:00:00Z', '2026-12-12T14:00:00Z'),
    ];
    const at = (now: string) => makeWindowChecker({ calendar: reopened, now: new Date(now) })(lineItem(), 'sch-1');
    expect([at('2026-12-02T00:00:00Z'), at('2026-12-07T00:00:00Z'), at('2026-12-11T00:00:00Z')]).toEqual([true, false, true]);
  });

  // IC's flag as read from line item metadata by the load step: true/"true" open, false/"false" closed, absent: calendar.
  it.each([
    { flag: 'true', now: '2026-06-01T00:00:00Z', open: true },
    { flag: 'TRUE', now: '2026-06-01T00:00:00Z', open: true },
    { flag: true, now: '2026-06-01T00:00:00Z', open: true },
    { flag: 'false', now: '2026-12-05T00:00:00Z', open: false },
    { flag: false, now: '2026-12-05T00:00:00Z', open: false },
    { flag: undefined, now: '2026-12-05T00:00:00Z', open: true },
    { flag: undefined, now: '2026-06-01T00:00:00Z', open: false },
  ])('IC flag $flag at $now: open $open', ({ flag, now, open }) => {
    const isOpen = makeWindowChecker({ calendar, now: new Date(now) });
    expect(isOpen(lineItem({ windowOpenFlag: windowFlagFrom(flag) }), 'sch-1')).toBe(open);
  });
});

describe('nextWindowChange', () => {
  const options = (now: string, entries = calendar) => ({ calendar: entries, now: new Date(now), schoolAliases });

  it.each([
    { now: '2026-11-20T00:00:00Z', change: { at: new Date('2026-12-01T14:00:00Z'), opens: true } },
    { now: '2026-12-01T14:00:00Z', change: { at: new Date('2026-12-15T23:00:00Z'), opens: false } },
    { now: '2026-12-15T23:00:00Z', change: null },
  ])('at $now', ({ now, change }) => {
    expect(nextWindowChange(options(now), lineItem(), 'sch-1')).toEqual(change);
  });

  it('is unknown when the IC flag decides', () => {
    expect(nextWindowChange(options('2026-11-20T00:00:00Z'), lineItem({ windowOpenFlag: true }), 'sch-1')).toBeNull();
  });

  it('skips instants where overlapping or adjacent entries keep the window open', () => {
    const entries = [
      entry('sch-1', 101, 't-q1', '2026-12-01T00:00:00Z', '2026-12-05T00:00:00Z'),
      entry('sch-1', 101, 't-q1', '2026-12-03T00:00:00Z', '2026-12-08T00:00:00Z'),
      entry('sch-1', 101, 't-q1', '2026-12-08T00:00:00Z', '2026-12-10T00:00:00Z'),
    ];
    expect(nextWindowChange(options('2026-12-02T00:00:00Z', entries), lineItem(), 'sch-1')).toEqual({
      at: new Date('2026-12-10T00:00:00Z'),
      opens: false,
    });
  });
});
