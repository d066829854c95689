import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, ExportFileError } from '../../src/errors.ts';
import { readExportRows, type ExportRecord, type ReadExportRowsOptions } from '../../src/extract/read-export-rows.ts';
import { ExportRow } from '../../src/types.ts';

const header = 'Section School Code,Unique User ID,Grading Period,Grade,Letter Grade,Comment,Last Name';

/** A byte stream, optionally cut into chunks of `chunkSize` bytes to cross every boundary. */
function bytes(content: string | Buffer, chunkSize?: number): Readable {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (!chunkSize) return Readable.from([buffer]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += chunkSize) chunks.push(buffer.subarray(at, at + chunkSize));
  return Readable.from(chunks);
}

async function readAll(input: Readable, options: ReadExportRowsOptions = {}): Promise<{ records: ExportRecord[]; rows: number }> {
  const reader = readExportRows(input, options);
  const records: ExportRecord[] = [];
  for await (const record of reader) records.push(record);
  return { records, rows: reader.rows };
}

async function failure(input: Readable, options: ReadExportRowsOptions = {}): Promise<{ error: unknown; yielded: number }> {
  const reader = readExportRows(input, options);
  let yielded = 0;
  try {
    for await (const _record of reader) yielded++;
  } catch (error) {
    return { error, yielded };
  }
  throw new Error('expected the reader to fail');
}

function rows(records: ExportRecord[]) {
  return records.flatMap((r) => (r.kind === 'row' ? [r.row] : []));
}

function invalids(records: ExportRecord[]) {
  return records.flatMap((r) => (r.kind === 'invalid' ? [r.record] : []));
}

describe('readExportRows: rows', () => {
  it('reads rows with their line numbers, trimmed values and raw grades, and leaves the names behind', async () => {
    const csv = `Section School Code,Unique User ID,Grading Period,Grade,Letter Grade,First Name,Last Name\nS-101, 1001 ,Q1, 95.5 % ,A,Ana,Lima\nS-101,1002,Final,EX,,Bo,\n`;
    const { records, rows: count } = await readAll(bytes(csv));
    expect(count).toBe(2);
    expect(rows(records)).toEqual([
      { line: 2, sectionSchoolCode: 'S-101', studentId: '1001', gradingPeriod: 'Q1', grade: '95.5 %', letterGrade: 'A' },
      { line: 3, sectionSchoolCode: 'S-101', studentId: '1002', gradingPeriod: 'Final', grade: 'EX' },
    ]);
  });

  it('builds rows the ExportRow schema accepts as they are, without a field it does not know', async () => {
    const csv =
      'Section SIS ID,School UID,Period,Score,Scaled Grade,Building Code,Course Code,Section Code,Final Comment,Course Name,Section Name,First Name,Last Name\n' +
      'S1,U1,T1,88,B+,HS,ALG1,P3,Good work,Algebra I,Period 3,Ana,Lima\nS2,U2,,,,,,,,,,,\n';
    const read = rows((await readAll(bytes(csv))).records);
    expect(read).toHaveLength(2);
    for (const row of read) expect(ExportRow.strict().parse(row)).toEqual(row);
  });

  it('reads the letter and the comment when present, and none of the codes and names', async () => {
    const csv =
      'Section SIS ID,School UID,Period,Score,Scaled Grade,Building Code,Course Code,Section Code,Final Comment,Course Name,Section Name\n' +
      'S1,U1,T1,88,B+,HS,ALG1,P3,Good work,Algebra I,Period 3\n';
    const { records } = await readAll(bytes(csv));
    expect(rows(records)).toEqual([
      {
        line: 2,
        sectionSchoolCode: 'S1',
        studentId: 'U1',
        gradingPeriod: 'T1',
        grade: '88',
        letterGrade: 'B+',
        comment: 'Good work',
      },
    ]);
  });

  it('accepts a UTF-8 BOM and CRLF line ends', async () => {
    const csv = `\uFEFF${header}\r\nS1,U1,Q1,90,,,\r\nS1,U2,Q1,80,,,\r\n`;
    const { records } = await readAll(bytes(csv));
    expect(rows(records).map((r) => [r.line, r.studentId, r.grade])).toEqual([
      [2, 'U1', '90'],
      [3, 'U2', '80'],
    ]);
  });

  it('reads quoted commas, doubled quotes and newlines, and numbers later records by the line they start on', async () => {
    for (const eol of ['\n', '\r\n']) {
      const csv = [
        header,
        'S1,U1,Q1,90,,"Smith, Jr.",Ann',
        `S1,U2,Q1,91,,"Line one${eol}line two${eol}line three",Bo`,
        'S1,U3,Q1,92,,"She said ""hi""",Cy',
        `S1,U4,Q1,93,,"${eol}",Di`,
        'S1,U5,Q1,94,,Ed,Fa',
        '',
      ].join(eol);
      const { records } = await readAll(bytes(csv));
      expect(rows(records).map((r) => [r.line, r.studentId, r.comment])).toEqual([
        [2, 'U1', 'Smith, Jr.'],
        [3, 'U2', `Line one${eol}line two${eol}line three`],
        [6, 'U3', 'She said "hi"'],
        [7, 'U4', undefined],
        [9, 'U5', 'Ed'],
      ]);
    }
  });

  it('keeps counting lines across blank lines, which are not records', async () => {
    const csv = `${header}\n\nS1,U1,Q1,90,,,\n   \n\nS1,U2,Q1,80,,,\n\n`;
    const { records, rows: count } = await readAll(bytes(csv));
    expect(count).toBe(2);
    expect(rows(records).map((r) => r.line)).toEqual([3, 6]);
  });

  it('reads Unicode text, even when a character is split across chunks', async () => {
    const csv = `${header}\nS1,U1,Q1,90,,Zoë Ōtsuka-Nguyễn,x\nS1,U2,Q1,80,,李 小龍 🐉,y\n`;
    const whole = rows((await readAll(bytes(csv))).records);
    const byteByByte = rows((await readAll(bytes(csv, 1))).records);
    expect(whole.map((r) => r.comment)).toEqual(['Zoë Ōtsuka-Nguyễn', '李 小龍 🐉']);
    expect(byteByByte).toEqual(whole);
  });
});

describe('readExportRows: headers', () => {
  it('matches headers case-, space-, underscore- and dash-insensitively', async () => {
    const csv = '  SECTION__school-code ,unique_user_id,Grading-Period,  grade  \nS1,U1,Q1,90\n';
    const { records } = await readAll(bytes(csv));
    expect(rows(records)).toEqual([{ line: 2, sectionSchoolCode: 'S1', studentId: 'U1', gradingPeriod: 'Q1', grade: '90' }]);
  });

  it('ignores unknown columns, wherever they are', async () => {
    const csv = 'Notes,Section School Code,Extra,Unique ID,Grading Period,Grade,Zzz\nx,S1,y,U1,Q1,90,z\n';
    const { records } = await readAll(bytes(csv));
    expect(rows(records)[0]).toMatchObject({ sectionSchoolCode: 'S1', studentId: 'U1', grade: '90' });
  });

  it('takes extra aliases from the columns option, one or several per field', async () => {
    const csv = 'Class Code,Learner,Term,Mark\nS1,U1,Q1,90\n';
    const options = { columns: { sectionSchoolCode: 'Class Code', studentId: ['Pupil', 'learner'], gradingPeriod: 'Term', grade: 'MARK' } };
    const { records } = await readAll(bytes(csv), options);
    expect(rows(records)).toEqual([{ line: 2, sectionSchoolCode: 'S1', studentId: 'U1', gradingPeriod: 'Q1', grade: '90' }]);
  });

  it('stops on a missing required column, naming the field, its accepted headers and the headers found', async () => {
    const csv = 'Section School Code,Grading Period,Grade\nS1,Q1,90\n';
    const { error, yielded } = await failure(bytes(csv));
    expect(yielded).toBe(0);
    expect(error).toBeInstanceOf(ExportFileError);
    const e = error as ExportFileError;
    expect(e.code).toBe('EXPORT_MISSING_COLUMN');
    expect(e.message).toContain('studentId');
    expect(e.message).toContain('"Unique User ID"');
    expect(e.message).toContain('"Student ID"');
    expect(e.message).toContain('headers found: "Section School Code", "Grading Period", "Grade"');
    expect(e.remedy).toContain('gradePassback.columns');
  });

  it('stops when two headers match one field', async () => {
    const csv = 'Section School Code,Unique User ID,Grading Period,Grade,Final Grade\nS1,U1,Q1,90,91\n';
    const { error, yielded } = await failure(bytes(csv));
    expect(yielded).toBe(0);
    expect((error as ExportFileError).code).toBe('EXPORT_AMBIGUOUS_COLUMN');
    expect((error as ExportFileError).message).toContain('"Grade", "Final Grade"');
  });

  it('stops on two columns with the same name even when columns names it', async () => {
    const csv = 'Section School Code,Unique User ID,Grading Period,Grade,Grade\nS1,U1,Q1,90,91\n';
    const { error } = await failure(bytes(csv), { columns: { grade: 'Grade' } });
    expect((error as ExportFileError).code).toBe('EXPORT_AMBIGUOUS_COLUMN');
  });

  it('lets the columns option pick one of two matching headers', async () => {
    const csv = 'Section School Code,Unique User ID,Grading Period,Grade,Final Grade\nS1,U1,Q1,90,91\n';
    const { records } = await readAll(bytes(csv), { columns: { grade: 'final grade' } });
    expect(rows(records)[0]?.grade).toBe('91');
  });

  it('gives a header named in columns to that field only, even if it is another field\'s alias', async () => {
    const csv = 'Section School Code,School ID,Grading Period,Grade\nS1,U1,Q1,90\n';
    const { records } = await readAll(bytes(csv), { columns: { studentId: 'School ID' } });
    expect(rows(records)).toEqual([{ line: 2, sectionSchoolCode: 'S1', studentId: 'U1', gradingPeriod: 'Q1', grade: '90' }]);
  });

  it('refuses a columns key that is not a field as a config error', async () => {
    const { error } = await failure(bytes(`${header}\nS1,U1,Q1,90,,,\n`), { columns: { studentID: 'x' } });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('studentID');
  });
});

describe('readExportRows: invalid records', () => {
  it('reports wrong field counts and empty section or student as invalid records, with lines, and goes on', async () => {
    const csv = [
      header,
      'S1,U1,Q1,90,,,',
      'S1,U2,Q1,90',
      'S1,U3,Q1,90,,,,extra',
      ',U4,Q1,90,,,',
      'S1,  ,Q1,90,,,',
      'S1,U6,Q1,90,,,',
      '',
    ].join('\n');
    const { records, rows: count } = await readAll(bytes(csv));
    expect(count).toBe(6);
    expect(records.map((r) => r.kind)).toEqual(['row', 'invalid', 'invalid', 'invalid', 'invalid', 'row']);
    expect(invalids(records)).toEqual([
      { line: 3, message: 'The record has 4 fields; the header has 7.', sectionSchoolCode: 'S1', studentId: 'U2' },
      { line: 4, message: 'The record has 8 fields; the header has 7.', sectionSchoolCode: 'S1', studentId: 'U3' },
      { line: 5, message: 'The section school code is empty.', studentId: 'U4' },
      { line: 6, message: 'The student ID is empty.', sectionSchoolCode: 'S1' },
    ]);
    expect(rows(records).map((r) => r.line)).toEqual([2, 7]);
  });

  it('keeps an empty grade or grading period as text for the transform to judge', async () => {
    const { records } = await readAll(bytes(`${header}\nS1,U1,,,,,\n`));
    expect(rows(records)).toEqual([{ line: 2, sectionSchoolCode: 'S1', studentId: 'U1', gradingPeriod: '', grade: '' }]);
  });
});

describe('readExportRows: files that stop the run', () => {
  const stops: { why: string; content: string | Buffer; code: string; message?: RegExp }[] = [
    { why: 'an empty file', content: '', code: 'EXPORT_EMPTY', message: /is empty/ },
    { why: 'only blank lines', content: '\n\r\n  \n', code: 'EXPORT_EMPTY', message: /is empty/ },
    { why: 'only a BOM', content: '\uFEFF', code: 'EXPORT_EMPTY' },
    { why: 'a header and no rows', content: `${header}\n`, code: 'EXPORT_EMPTY', message: /header but no rows/ },
    { why: 'a header and blank lines', content: `${header}\r\n\r\n`, code: 'EXPORT_EMPTY' },
    {
      why: 'Latin-1 bytes',
      content: Buffer.concat([Buffer.from(`${header}\nS1,U1,Q1,90,,Zo`), Buffer.from([0xeb]), Buffer.from(',X\n')]),
      code: 'EXPORT_NOT_CSV',
      message: /not UTF-8 text \(invalid bytes on line 2\)/,
    },
    {
      why: 'a truncated multi-byte character at the end',
      content: Buffer.concat([Buffer.from(`${header}\nS1,U1,Q1,90,,Zo`), Buffer.from([0xc3])]),
      code: 'EXPORT_NOT_CSV',
      message: /middle of a character/,
    },
    { why: 'UTF-16 text', content: Buffer.from(`${header}\nS1,U1,Q1,90,,,\n`, 'utf16le'), code: 'EXPORT_NOT_CSV', message: /NUL bytes \(line 1\)/ },
    {
      why: 'binary data',
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      code: 'EXPORT_NOT_CSV',
    },
    {
      why: 'a quote never closed',
      content: `${header}\nS1,U1,Q1,90,,,\nS1,U2,Q1,"90,,,\nS1,U3,Q1,90,,,\n`,
      code: 'EXPORT_NOT_CSV',
      message: /quoted field starting on line 3 is never closed/,
    },
    {
      why: 'text after a closing quote',
      content: `${header}\nS1,U1,Q1,90,,,\nS1,"U2"x,Q1,90,,,\nS1,U3,Q1,90,,,\n`,
      code: 'EXPORT_NOT_CSV',
      message: /line 3 cannot be read as CSV \(trailing quote on quoted field is malformed\)/,
    },
  ];

  for (const { why, content, code, message } of stops) {
    it(`stops on ${why} (${code})`, async () => {
      const { error } = await failure(bytes(content));
      expect(error).toBeInstanceOf(ExportFileError);
      expect((error as ExportFileError).code).toBe(code);
      if (message) expect((error as ExportFileError).message).toMatch(message);
    });
  }

  it('stops on a quote never closed near the start of a large file without carrying the rest along', async () => {
    let produced = 0;
    function* chunks() {
      yield `${header}\nS1,U1,Q1,90,,,\nS1,U2,Q1,"90,,,\n`;
      for (let chunk = 0; chunk < 400; chunk++) {
        produced++;
        yield Array.from({ length: 1000 }, (_, i) => `S1,U${chunk}-${i},Q1,90,,,\n`).join('');
      }
    }
    const { error, yielded } = await failure(Readable.from(chunks()));
    expect((error as ExportFileError).code).toBe('EXPORT_NOT_CSV');
    expect((error as ExportFileError).message).toMatch(/the record starting on line 3 runs past 1 MiB: a quoted field in it is probably never closed/);
    expect(yielded).toBe(1);
    // About 20 KiB a chunk: the read stops after 1 MiB of it, not at the end of 8 MiB.
    expect(produced).toBeLessThan(100);
  });

  it('finds invalid UTF-8 deep in a file read in small chunks, with its line', async () => {
    const good = Array.from({ length: 500 }, (_, i) => `S1,U${i},Q1,90,,,`).join('\n');
    const content = Buffer.concat([Buffer.from(`${header}\n${good}\nS1,UX,Q1,90,,`), Buffer.from([0xff, 0xfe]), Buffer.from(',\n')]);
    const { error } = await failure(bytes(content, 7));
    expect((error as ExportFileError).code).toBe('EXPORT_NOT_CSV');
    expect((error as ExportFileError).message).toContain('line 502');
  });
  it('reads a chunk larger than what the parser takes at once whole: a character cut by a piece boundary keeps its text and line', async () => {
    // Rows of 3-byte characters; the first row is padded until byte 65536 falls inside a character.
    const row = (i: number) => `S1,€${i},Q1,90,,,`;
    let padding = '';
    const content = (): Buffer => Buffer.from(`${header}\n${row(0)}${padding}\n${Array.from({ length: 9000 }, (_, i) => row(i + 1)).join('\n')}\n`);
    while (((content()[64 * 1024] ?? 0) & 0xc0) !== 0x80) padding += 'x';
    const whole = await readAll(bytes(content()));
    const small = await readAll(bytes(content(), 7));
    expect(whole.rows).toBe(9001);
    expect(rows(whole.records)).toEqual(rows(small.records));
    expect(rows(whole.records).map((r) => r.studentId)).toEqual(Array.from({ length: 9001 }, (_, i) => `€${i}`));
    expect(rows(whole.records).at(-1)?.line).toBe(9002);
  });

  it('finds invalid UTF-8 in the third 64 KiB of one large chunk, with its line', async () => {
    const good = Array.from({ length: 8000 }, (_, i) => `S1,U${i},Q1,90,,,`).join('\n');
    const content = Buffer.concat([Buffer.from(`${header}\n${good}\nS1,UX,Q1,90,,`), Buffer.from([0xff]), Buffer.from(',\n')]);
    expect(content.length).toBeGreaterThan(2 * 64 * 1024);
    const { error } = await failure(bytes(content));
    expect((error as ExportFileError).code).toBe('EXPORT_NOT_CSV');
    expect((error as ExportFileError).message).toContain('line 8002');
  });
});

describe('readExportRows: streaming', () => {
  it('can be iterated only once', async () => {
    const reader = readExportRows(bytes(`${header}\nS1,U1,Q1,90,,,\n`));
    for await (const _record of reader) break;
    await expect(async () => {
      for await (const _record of reader) break;
    }).rejects.toThrow(/only once/);
  });

  it('reads a large input lazily: stopping early leaves the rest unread', async () => {
    let produced = 0;
    function* lines() {
      yield `${header}\n`;
      for (let i = 0; i < 1_000_000; i++) {
        produced++;
        yield `S1,U${i},Q1,90,,,\n`;
      }
    }
    const reader = readExportRows(Readable.from(lines()));
    let seen = 0;
    for await (const _record of reader) if (++seen === 10) break;
    expect(reader.rows).toBe(10);
    expect(produced).toBeLessThan(100_000);
  });
});
