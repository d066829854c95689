import { describe, expect, it } from 'vitest';
import { parseGrade, roundHalfUp, type GradeFormat } from '../../src/transform/parse-grade.ts';

const dot: GradeFormat = { decimalSeparator: '.', scoreDecimals: 2, maxScore: 100 };
const comma: GradeFormat = { decimalSeparator: ',', scoreDecimals: 2, maxScore: 100 };

describe('parseGrade: numbers', () => {
  it.each([
    { raw: '95', score: 95 },
    { raw: '0', score: 0 },
    { raw: '100', score: 100 },
    { raw: '92.5', score: 92.5 },
    { raw: '92.50', score: 92.5 },
    { raw: '007', score: 7 },
    { raw: '95%', score: 95 },
    { raw: '95 %', score: 95 },
    { raw: '  88.25 % ', score: 88.25 },
    { raw: '\t70\t', score: 70 },
    { raw: '2.675', score: 2.68 },
    { raw: '1.005', score: 1.01 },
    { raw: '89.995', score: 90 },
    { raw: '99.994', score: 99.99 },
    { raw: '99.9949999', score: 99.99 },
    { raw: '0.005', score: 0.01 },
    { raw: '0.0049', score: 0 },
    { raw: '100.004', score: 100 },
  ])('"$raw" -> $score', ({ raw, score }) => {
    expect(parseGrade(raw, dot)).toEqual({ kind: 'score', score });
  });

  it.each([
    { raw: '92,5', score: 92.5 },
    { raw: '2,675', score: 2.68 },
    { raw: '88,25 %', score: 88.25 },
    { raw: '95', score: 95 },
  ])('comma separator: "$raw" -> $score', ({ raw, score }) => {
    expect(parseGrade(raw, comma)).toEqual({ kind: 'score', score });
  });

  it.each([
    { decimals: 0, raw: '89.5', score: 90 },
    { decimals: 0, raw: '89.49', score: 89 },
    { decimals: 1, raw: '89.45', score: 89.5 },
    { decimals: 1, raw: '99.95', score: 100 },
    { decimals: 3, raw: '1.0005', score: 1.001 },
    { decimals: 6, raw: '12.3456785', score: 12.345679 },
  ])('scoreDecimals $decimals: "$raw" -> $score', ({ decimals, raw, score }) => {
    expect(parseGrade(raw, { ...dot, scoreDecimals: decimals })).toEqual({ kind: 'score', score });
  });

  it('checks the range on the rounded score, against the configured maximum', () => {
    expect(parseGrade('100.005', dot)).toEqual({
      kind: 'invalid',
      message: 'grade "100.005" (rounded to 100.01) is above the maximum score 100',
    });
    expect(parseGrade('104', { ...dot, maxScore: 110 })).toEqual({ kind: 'score', score: 104 });
    expect(parseGrade('4.5', { ...dot, maxScore: 4 })).toEqual({
      kind: 'invalid',
      message: 'grade "4.5" is above the maximum score 4',
    });
  });
});

describe('parseGrade: empty', () => {
  it.each(['', '   ', '\t'])('%j is empty', (raw) => {
    expect(parseGrade(raw, dot)).toEqual({ kind: 'empty' });
  });
});

describe('parseGrade: anything not plainly a decimal number is invalid', () => {
  it.each([
    { raw: 'EX', message: 'grade "EX" is not a number' },
    { raw: 'INC', message: 'grade "INC" is not a number' },
    { raw: 'I', message: 'grade "I" is not a number' },
    { raw: '-', message: 'grade "-" is not a number' },
    { raw: '--', message: 'grade "--" is not a number' },
    { raw: '—', message: 'grade "—" is not a number' },
    { raw: '-5', message: 'grade "-5" is not a number' },
    { raw: '+5', message: 'grade "+5" is not a number' },
    { raw: '1e2', message: 'grade "1e2" is not a number' },
    { raw: '0x5A', message: 'grade "0x5A" is not a number' },
    { raw: 'Infinity', message: 'grade "Infinity" is not a number' },
    { raw: 'NaN', message: 'grade "NaN" is not a number' },
    { raw: '.5', message: 'grade ".5" is not a number' },
    { raw: '5.', message: 'grade "5." is not a number' },
    { raw: '9 5', message: 'grade "9 5" is not a number' },
    { raw: '%', message: 'grade "%" is not a number' },
    { raw: '%95', message: 'grade "%95" is not a number' },
    { raw: '95%%', message: 'grade "95%%" is not a number' },
    { raw: '95 / A', message: 'grade "95 / A" is not a number' },
    { raw: '٩٥', message: 'grade "٩٥" is not a number' },
    { raw: '1,000.5', message: 'grade "1,000.5" is not a number (the decimal separator is ".")' },
    { raw: '92,5', message: 'grade "92,5" is not a number (the decimal separator is ".")' },
    { raw: '105', message: 'grade "105" is above the maximum score 100' },
    { raw: '1000', message: 'grade "1000" is above the maximum score 100' },
  ])('"$raw": $message', ({ raw, message }) => {
    expect(parseGrade(raw, dot)).toEqual({ kind: 'invalid', message });
  });

  it.each([
    { raw: '92.5', message: 'grade "92.5" is not a number (the decimal separator is ",")' },
    { raw: '1.000,5', message: 'grade "1.000,5" is not a number (the decimal separator is ",")' },
  ])('comma separator: "$raw" is invalid', ({ raw, message }) => {
    expect(parseGrade(raw, comma)).toEqual({ kind: 'invalid', message });
  });
});

describe('roundHalfUp', () => {
  it.each([
    { integer: '2', fraction: '675', decimals: 2, expected: '2.68' },
    { integer: '2', fraction: '674999', decimals: 2, expected: '2.67' },
    { integer: '9', fraction: '995', decimals: 2, expected: '10.00' },
    { integer: '0', fraction: '5', decimals: 0, expected: '1' },
    { integer: '0', fraction: '4', decimals: 0, expected: '0' },
    { integer: '12', fraction: '', decimals: 2, expected: '12.00' },
    { integer: '0', fraction: '001', decimals: 3, expected: '0.001' },
    { integer: '0', fraction: '0005', decimals: 3, expected: '0.001' },
    { integer: '99999999999999999999', fraction: '5', decimals: 0, expected: '100000000000000000000' },
  ])('$integer.$fraction to $decimals places is $expected', ({ integer, fraction, decimals, expected }) => {
    expect(roundHalfUp(integer, fraction, decimals)).toBe(expected);
  });
});
