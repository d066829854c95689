import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportFileError } from '../../src/errors.ts';
import { readMappingFile } from '../../src/extract/read-mapping-file.ts';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gb-mapping-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mappingFile(content: string | Buffer): Promise<string> {
  const file = path.join(dir, `mapping-${++counter}.csv`);
  await writeFile(file, content);
  return file;
}

async function failure(file: string): Promise<ExportFileError> {
  try {
    await readMappingFile(file);
  } catch (error) {
    if (error instanceof ExportFileError) return error;
    throw error;
  }
  throw new Error('expected readMappingFile to fail');
}

describe('readMappingFile', () => {
  it('reads the DEA bypass columns, with line numbers and trimmed values', async () => {
    const file = await mappingFile('Schoology Grading Period,IC Term,School\r\nQ1 2025, term-q1 ,HS\r\nQ2 2025,term-q2,HS\r\n');
    expect(await readMappingFile(file)).toEqual([
      { line: 2, gradingPeriod: 'Q1 2025', icTerm: 'term-q1', school: 'HS' },
      { line: 3, gradingPeriod: 'Q2 2025', icTerm: 'term-q2', school: 'HS' },
    ]);
  });

  it('accepts aliases, any order, a BOM, unknown columns and blank lines', async () => {
    const file = await mappingFile('\uFEFFschool_id,Notes,TERM,grading-period\n\nsch-1,anything,t1,Semester 1\n\n');
    expect(await readMappingFile(file)).toEqual([{ line: 3, gradingPeriod: 'Semester 1', icTerm: 't1', school: 'sch-1' }]);
  });

  it('keeps identical duplicates once', async () => {
    const file = await mappingFile('Grading Period,Term,School\nQ1,t1,HS\nq1,t1,hs\n');
    expect(await readMappingFile(file)).toEqual([{ line: 2, gradingPeriod: 'Q1', icTerm: 't1', school: 'HS' }]);
  });

  it('maps one grading period to different terms in different schools', async () => {
    const file = await mappingFile('Grading Period,Term,School\nQ1,t1-hs,HS\nQ1,t1-ms,MS\n');
    expect((await readMappingFile(file)).map((e) => e.icTerm)).toEqual(['t1-hs', 't1-ms']);
  });

  const invalid: { why: string; content: string | Buffer; message: RegExp }[] = [
    { why: 'a missing column', content: 'Grading Period,School\nQ1,HS\n', message: /No column for icTerm .*headers found: "Grading Period", "School"/ },
    { why: 'two columns for one field', content: 'Grading Period,Term,IC Term,School\nQ1,t1,t2,HS\n', message: /Several columns could be icTerm/ },
    { why: 'a row with too few fields', content: 'Grading Period,Term,School\nQ1,t1,HS\nQ2,t2\n', message: /line 3 has 2 fields; the header has 3/ },
    { why: 'a row with too many fields', content: 'Grading Period,Term,School\nQ1,t1,HS,extra\n', message: /line 2 has 4 fields/ },
    { why: 'an empty term', content: 'Grading Period,Term,School\nQ1,t1,HS\nQ2, ,HS\n', message: /line 3 has no IC Term/ },
    { why: 'an empty school', content: 'Grading Period,Term,School\nQ1,t1,\n', message: /line 2 has no School/ },
    { why: 'an empty grading period', content: 'Grading Period,Term,School\n,t1,HS\n', message: /line 2 has no Schoology Grading Period/ },
    {
      why: 'one period and school mapped to two terms',
      content: 'Grading Period,Term,School\nQ1,t1,HS\nQ2,t2,HS\nq1,t9,HS\n',
      message: /lines 2 and 4 map grading period "q1" of school "HS" to different IC terms \("t1", "t9"\)/,
    },
    { why: 'an empty file', content: '', message: /it is empty/ },
    { why: 'a header only', content: 'Grading Period,Term,School\n', message: /header but no mappings/ },
    { why: 'bytes that are not UTF-8', content: Buffer.from([0x47, 0x50, 0x2c, 0xe9, 0x0a]), message: /not UTF-8 text \(invalid bytes on line 1\)/ },
    { why: 'a quote never closed', content: 'Grading Period,Term,School\nQ1,"t1,HS\n', message: /quoted field starting on line 2 is never closed/ },
  ];

  for (const { why, content, message } of invalid) {
    it(`stops on ${why} with MAPPING_FILE_INVALID`, async () => {
      const file = await mappingFile(content);
      const error = await failure(file);
      expect(error.code).toBe('MAPPING_FILE_INVALID');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(message);
      expect(error.remedy).toBeTruthy();
    });
  }

  it('stops when the file does not exist', async () => {
    const error = await failure(path.join(dir, 'absent.csv'));
    expect(error.code).toBe('MAPPING_FILE_INVALID');
    expect(error.message).toMatch(/cannot be read \(ENOENT/);
  });
});
