import { describe, expect, it } from 'vitest';
import { compareExportNames, selectExportFile, type RemoteEntry } from '../../src/extract/select-export-file.ts';

function file(name: string, type: RemoteEntry['type'] = 'file'): RemoteEntry {
  return { name, type, size: 10, mtimeMs: 0 };
}

describe('selectExportFile', () => {
  const cases: { why: string; entries: RemoteEntry[]; title: string; expected: string | null }[] = [
    { why: 'empty directory', entries: [], title: '', expected: null },
    { why: 'no title: greatest name of all csv files', entries: [file('a.csv'), file('c.csv'), file('b.csv')], title: '', expected: 'c.csv' },
    { why: 'blank title counts as no title', entries: [file('a.csv'), file('b.csv')], title: '   ', expected: 'b.csv' },
    { why: 'only names ending in .csv', entries: [file('z.txt'), file('zz.csv.part'), file('a.csv')], title: '', expected: 'a.csv' },
    { why: 'the .csv ending is case-insensitive', entries: [file('a.csv'), file('B.CSV')], title: '', expected: 'B.CSV' },
    { why: 'a directory named like a csv is not a candidate', entries: [file('a.csv'), file('z.csv', 'dir')], title: '', expected: 'a.csv' },
    { why: 'a symlink is not a regular file', entries: [file('a.csv'), file('z.csv', 'link')], title: '', expected: 'a.csv' },
    { why: 'sockets and devices are not candidates', entries: [file('z.csv', 'other')], title: '', expected: null },
    {
      why: 'title keeps only names starting with it',
      entries: [file('Final Grades_20250102.csv'), file('Other_20251231.csv')],
      title: 'Final Grades',
      expected: 'Final Grades_20250102.csv',
    },
    {
      why: 'title match is case-insensitive and spaces equal underscores',
      entries: [file('final_grades_20250101.csv'), file('FINAL_GRADES_20250103.csv'), file('Final_Grades_20250102.csv')],
      title: 'Final Grades',
      expected: 'FINAL_GRADES_20250103.csv',
    },
    { why: 'title with underscores matches names with spaces', entries: [file('Final Grades 1.csv')], title: 'final_grades', expected: 'Final Grades 1.csv' },
    { why: 'title matching nothing', entries: [file('Other.csv')], title: 'Final', expected: null },
    { why: 'the title must be a prefix, not anywhere in the name', entries: [file('Old Final.csv')], title: 'Final', expected: null },
    {
      why: 'natural order: 10 after 9',
      entries: [file('export_9.csv'), file('export_10.csv'), file('export_2.csv')],
      title: '',
      expected: 'export_10.csv',
    },
    {
      why: 'date-stamped names: latest date and time',
      entries: [file('FG_20250611_230000.csv'), file('FG_20250612_001500.csv'), file('FG_20250612_000500.csv')],
      title: 'FG',
      expected: 'FG_20250612_001500.csv',
    },
    { why: 'case-insensitive order: "b" beats "A"', entries: [file('A.csv'), file('b.csv')], title: '', expected: 'b.csv' },
    { why: 'names equal but for case: code-unit order breaks the tie', entries: [file('EXPORT.csv'), file('export.csv')], title: '', expected: 'export.csv' },
  ];

  for (const { why, entries, title, expected } of cases) {
    it(why, () => {
      expect(selectExportFile(entries, title)?.name ?? null).toBe(expected);
    });
  }

  it('returns the entry itself, with its size and mtime', () => {
    const newest = { name: 'b.csv', type: 'file' as const, size: 42, mtimeMs: 1234 };
    expect(selectExportFile([file('a.csv'), newest], '')).toBe(newest);
  });

  it('does not depend on listing order', () => {
    const names = ['e_1.csv', 'e_20.csv', 'e_3.csv', 'E_20.csv'];
    const forward = selectExportFile(names.map((n) => file(n)), 'e');
    const backward = selectExportFile([...names].reverse().map((n) => file(n)), 'e');
    expect(forward?.name).toBe('e_20.csv');
    expect(backward?.name).toBe('e_20.csv');
  });
});

describe('compareExportNames', () => {
  it('orders naturally and case-insensitively, then by code units', () => {
    const sorted = ['b10.csv', 'B2.csv', 'a.csv', 'b2.csv', 'A.csv'].sort(compareExportNames);
    expect(sorted).toEqual(['A.csv', 'a.csv', 'B2.csv', 'b2.csv', 'b10.csv']);
  });
});
