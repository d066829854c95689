/**
 * Reading a collection the OneRoster way (infinite-campus-api.md "Reading collections"):
 * `filter` (`field OP 'value'`, at most one AND/OR), `sort`/`orderBy`, `fields`, and paging with
 * `limit` (default 100) and `offset`, the total in `X-Total-Count` and a `Link` to the next page.
 */
import type { Reply, SandboxRequest } from './http.ts';
import { ImsxError, invalidData } from './imsx.ts';
import type { Json } from './render.ts';

export const defaultLimit = 100;

const operators = ['!=', '>=', '<=', '=', '>', '<', '~'] as const;
type Operator = (typeof operators)[number];
interface Clause {
  field: string;
  op: Operator;
  value: string;
}
interface Filter {
  clauses: Clause[];
  join: 'AND' | 'OR';
}

const clausePattern = String.raw`([A-Za-z_][\w.]*)\s*(!=|>=|<=|=|>|<|~)\s*'([^']*)'`;
const singleFilter = new RegExp(`^\\s*${clausePattern}\\s*$`);
const doubleFilter = new RegExp(`^\\s*${clausePattern}\\s+(AND|OR)\\s+${clausePattern}\\s*$`);

export function parseFilter(text: string): Filter {
  const single = singleFilter.exec(text);
  if (single) return { clauses: [clause(single[1], single[2], single[3])], join: 'AND' };
  const double = doubleFilter.exec(text);
  if (double)
    return {
      clauses: [clause(double[1], double[2], double[3]), clause(double[5], double[6], double[7])],
      join: double[4] === 'OR' ? 'OR' : 'AND',
    };
  throw invalidData(`Malformed filter "${text}": expected field OP 'value', with at most one AND or OR.`);
}

function clause(field: string | undefined, op: string | undefined, value: string | undefined): Clause {
  if (field === undefined || value === undefined || !operators.includes(op as Operator)) throw invalidData('Malformed filter clause.');
  return { field, op: op as Operator, value };
}

/** Every scalar at `path` (arrays are walked), as the strings filters compare. */
function valuesAt(object: unknown, path: readonly string[]): string[] {
  if (Array.isArray(object)) return object.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) {
    if (object === null || object === undefined) return [];
    if (typeof object === 'object') {
      const ref = (object as Json)['sourcedId'];
      return typeof ref === 'string' ? [ref] : [];
    }
    return [String(object)];
  }
  if (object === null || typeof object !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((object as Json)[head ?? ''], rest);
}

const isoDate = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
function compare(a: string, b: string): number {
  if (isoDate.test(a) && isoDate.test(b)) return Date.parse(a) - Date.parse(b);
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(object: Json, c: Clause, path: string[]): boolean {
  const values = valuesAt(object, path);
  switch (c.op) {
    case '=':
      return values.some((v) => compare(v, c.value) === 0);
    case '!=':
      return values.every((v) => compare(v, c.value) !== 0);
    case '~':
      return values.some((v) => v.toLowerCase().includes(c.value.toLowerCase()));
    case '>':
      return values.some((v) => compare(v, c.value) > 0);
    case '>=':
      return values.some((v) => compare(v, c.value) >= 0);
    case '<':
      return values.some((v) => compare(v, c.value) < 0);
    case '<=':
      return values.some((v) => compare(v, c.value) <= 0);
  }
}

export interface CollectionSpec {
  /** Envelope key: `classes`, `users`, ... */
  envelope: string;
  /** Fields that filter, sort and fields may name (first path segment). */
  fields: readonly string[];
  aliases?: Record<string, string>;
}

function nonNegativeInt(req: SandboxRequest, name: string, fallback: number, min: number): number {
  const text = req.query.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw invalidData(`${name} must be an integer of at least ${min}.`);
  return Number(text);
}

function resolveField(field: string, spec: CollectionSpec, codeMinor: 'invalid_filter_field' | 'invalid_sort_field' | 'invalid_selection_field'): string[] {
  const path = (spec.aliases?.[field] ?? field).split('.');
  if (!spec.fields.includes(path[0] ?? '') && spec.aliases?.[field] === undefined)
    throw new ImsxError(400, codeMinor, `Unknown field "${field}" for ${spec.envelope}.`);
  return path;
}

export function collectionReply(req: SandboxRequest, items: readonly Json[], spec: CollectionSpec): Reply {
  let selected = [...items];
  const filterText = req.query.get('filter');
  if (filterText !== null) {
    const filter = parseFilter(filterText);
    const paths = filter.clauses.map((c) => resolveField(c.field, spec, 'invalid_filter_field'));
    selected = selected.filter((item) => {
      const results = filter.clauses.map((c, i) => matches(item, c, paths[i] ?? []));
      return filter.join === 'AND' ? results.every(Boolean) : results.some(Boolean);
    });
  }
  const sort = req.query.get('sort');
  if (sort !== null) {
    const path = resolveField(sort, spec, 'invalid_sort_field');
    const orderBy = req.query.get('orderBy') ?? 'asc';
    if (orderBy !== 'asc' && orderBy !== 'desc') throw invalidData('orderBy must be asc or desc.');
    const key = (item: Json) => valuesAt(item, path)[0] ?? '';
    selected.sort((a, b) => compare(key(a), key(b)) * (orderBy === 'desc' ? -1 : 1));
  }
  const limit = nonNegativeInt(req, 'limit', defaultLimit, 1);
  const offset = nonNegativeInt(req, 'offset', 0, 0);
  const total = selected.length;
  let page = selected.slice(offset, offset + limit);
  const fields = req.query.get('fields');
  if (fields !== null) {
    const names = fields.split(',').map((f) => f.trim());
    for (const name of names) resolveField(name, spec, 'invalid_selection_field');
    page = page.map((item) => Object.fromEntries(names.filter((n) => n in item).map((n) => [n, item[n]])));
  }
  const headers: Record<string, string> = { 'X-Total-Count': String(total) };
  if (offset + limit < total) {
    const next = new URLSearchParams(req.query);
    next.set('limit', String(limit));
    next.set('offset', String(offset + limit));
    headers['Link'] = `<${req.origin}${req.rawPath}?${next.toString()}>; rel="next"`;
  }
  return { status: 200, headers, body: { [spec.envelope]: page } };
}
