/**
 * Matches CSV header names to fields (README "Headers"): trimmed, lower-cased, runs of spaces, `_`
 * and `-` made one space, then looked up in each field's aliases. The admin's configured headers
 * add aliases and settle which of two matching columns to use. Unknown headers are ignored.
 */

export interface ColumnSpec<F extends string> {
  field: F;
  required: boolean;
  /** Header names as an admin would write them, e.g. "Section School Code". */
  aliases: readonly string[];
}

export type HeaderProblem<F extends string> =
  | { kind: 'missing'; field: F; accepted: string[] }
  | { kind: 'ambiguous'; field: F; headers: string[] }
  | { kind: 'unknown-field'; field: string; known: F[] };

export type HeaderMatch<F extends string> =
  | { ok: true; columns: Map<F, number> }
  | { ok: false; problems: HeaderProblem<F>[] };

export function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * @example matchHeaders(['Unique User ID', 'Grade'], specs, { studentId: 'Unique User ID' })
 */
export function matchHeaders<F extends string>(
  headers: readonly string[],
  specs: readonly ColumnSpec<F>[],
  configured: Readonly<Record<string, string | readonly string[]>> = {},
): HeaderMatch<F> {
  const known = specs.map((spec) => spec.field);
  const problems: HeaderProblem<F>[] = [];
  for (const field of Object.keys(configured)) {
    if (!known.includes(field as F)) problems.push({ kind: 'unknown-field', field, known });
  }

  const normalised = headers.map(normaliseHeader);
  const chosen = new Map<F, Set<string>>(specs.map((spec) => [spec.field, new Set(asList(configured[spec.field]).map(normaliseHeader))]));
  // A header the admin assigned to a field is no longer a candidate for any other field.
  const claimedBy = new Map<string, F>();
  for (const [field, names] of chosen) for (const name of names) claimedBy.set(name, field);

  const columns = new Map<F, number>();
  for (const spec of specs) {
    const mine = chosen.get(spec.field) ?? new Set<string>();
    const builtIn = new Set(spec.aliases.map(normaliseHeader));
    const candidates: number[] = [];
    normalised.forEach((name, index) => {
      const owner = claimedBy.get(name);
      if (mine.has(name) || (builtIn.has(name) && (owner === undefined || owner === spec.field))) candidates.push(index);
    });
    if (candidates.length === 0) {
      if (spec.required) problems.push({ kind: 'missing', field: spec.field, accepted: [...spec.aliases, ...asList(configured[spec.field])] });
      continue;
    }
    const preferred = candidates.length === 1 ? candidates : candidates.filter((index) => mine.has(normalised[index] ?? ''));
    const [only, ...others] = preferred;
    if (only === undefined || others.length > 0) {
      problems.push({ kind: 'ambiguous', field: spec.field, headers: candidates.map((index) => headers[index] ?? '') });
      continue;
    }
    columns.set(spec.field, only);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, columns };
}

/** One sentence per problem, naming what was expected and what the file has. */
export function describeHeaderProblem<F extends string>(problem: HeaderProblem<F>, headersFound: readonly string[]): string {
  const found = headersFound.length > 0 ? headersFound.map((h) => `"${h}"`).join(', ') : '(none)';
  switch (problem.kind) {
    case 'missing':
      return `No column for ${problem.field} (accepted headers: ${problem.accepted.map((a) => `"${a}"`).join(', ')}; headers found: ${found}).`;
    case 'ambiguous':
      return `Several columns could be ${problem.field}: ${problem.headers.map((h) => `"${h}"`).join(', ')}.`;
    case 'unknown-field':
      return `gradePassback.columns names "${problem.field}", which is not a field (fields: ${problem.known.join(', ')}).`;
  }
}
