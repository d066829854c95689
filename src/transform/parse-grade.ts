/**
 * The grade cell of an export row, read as the design says and never guessed:
 * - empty (or only spaces) is `empty`;
 * - a plain decimal number is digits, optionally the configured separator and more digits, then
 *   optionally `%`, with spaces allowed around the number and before the `%`;
 * - anything else is `invalid`: letters (EX, INC, I), dashes, signs (`+5`, `-5`), exponents (`1e2`),
 *   thousands separators (`1,000.5`), the other decimal separator, a bare separator (`.5`, `5.`);
 * - the number is rounded half up to `scoreDecimals` in decimal arithmetic (2.675 -> 2.68), and the
 *   rounded score, the value that would be posted, must lie in 0..maxScore.
 */
export interface GradeFormat {
  decimalSeparator: '.' | ',';
  scoreDecimals: number;
  maxScore: number;
}

export type ParsedGrade = { kind: 'score'; score: number } | { kind: 'empty' } | { kind: 'invalid'; message: string };

const gradePatterns = {
  '.': /^([0-9]+)(?:\.([0-9]+))?\s*%?$/,
  ',': /^([0-9]+)(?:,([0-9]+))?\s*%?$/,
} as const;

export function parseGrade(raw: string, format: GradeFormat): ParsedGrade {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  const match = gradePatterns[format.decimalSeparator].exec(text);
  if (!match) return { kind: 'invalid', message: notANumberMessage(text, format.decimalSeparator) };
  const fraction = match[2] ?? '';
  // With no digit to drop, the number is already what would be posted (the common case).
  const rounded =
    fraction.length <= format.scoreDecimals ? `${match[1]!}.${fraction}` : roundHalfUp(match[1]!, fraction, format.scoreDecimals);
  const score = Number(rounded);
  if (score > format.maxScore) {
    const shown = fraction.length > format.scoreDecimals ? ` (rounded to ${rounded})` : '';
    return { kind: 'invalid', message: `grade "${text}"${shown} is above the maximum score ${format.maxScore}` };
  }
  return { kind: 'score', score };
}

function notANumberMessage(text: string, separator: '.' | ','): string {
  const other = separator === '.' ? ',' : '.';
  const hint = text.includes(other) ? ` (the decimal separator is "${separator}")` : '';
  return `grade "${text}" is not a number${hint}`;
}

/**
 * Rounds the non-negative decimal `integerDigits.fractionDigits` half up to `decimals` places,
 * on digit strings so that binary floating point never decides (2.675 is 2.67499... as a double).
 * Returns a plain decimal string with `.`, e.g. "2.68" or "90".
 */
export function roundHalfUp(integerDigits: string, fractionDigits: string, decimals: number): string {
  const kept = fractionDigits.slice(0, decimals).padEnd(decimals, '0');
  let units = BigInt(integerDigits + kept);
  const firstDropped = fractionDigits.charAt(decimals);
  if (firstDropped !== '' && firstDropped >= '5') units += 1n;
  const digits = units.toString().padStart(decimals + 1, '0');
  if (decimals === 0) return digits;
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
