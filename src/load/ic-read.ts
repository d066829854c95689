/**
 * Reading OneRoster collections and objects: paging with `limit`/`offset` until a short page or
 * `X-Total-Count` is reached, the `{"classes":[...]}` / `{"class":{...}}` envelopes, user IDs
 * brought to the product's form, and every object validated by its zod schema.
 */
import type { z } from 'zod';
import { InfiniteCampusError } from '../errors.ts';
import type { IcConnection } from './ic-connection.ts';
import { icMessage, unavailableRemedy } from './ic-errors.ts';
import { headerValue, type IcHttpAnswer, type IcHttpExhausted } from './ic-http.ts';
import type { IcService } from './ic-urls.ts';
import { normalizeUserIds } from './user-ids.ts';

export interface ReadOptions {
  /** A OneRoster filter, e.g. `status='active'` or `dateLastModified>'2026-09-01T00:00:00Z'`. */
  filter?: string;
}

/** A read that must have an answer: exhausted retries stop the run. */
export function answerOrThrow(answer: IcHttpAnswer | IcHttpExhausted, what: string): IcHttpAnswer {
  if (answer.kind === 'answer') return answer;
  const how = answer.status !== undefined ? `answered ${answer.status}` : `could not be reached (${answer.errorCode})`;
  throw new InfiniteCampusError('IC_UNAVAILABLE', `Infinite Campus ${how} on all ${answer.attempts} attempts to read ${what}.`, {
    remedy: unavailableRemedy,
    ...(answer.status !== undefined ? { status: answer.status } : {}),
  });
}

function refused(answer: IcHttpAnswer, what: string, scrub: (text: string) => string): InfiniteCampusError {
  return new InfiniteCampusError(
    'IC_REQUEST_FAILED',
    `Infinite Campus answered ${answer.status} to reading ${what}: ${icMessage(answer.status, answer.text, scrub)}.`,
    { remedy: 'Check infiniteCampus.baseUrl and api (the connection mode) against the OneRoster connection in IC.', status: answer.status },
  );
}

function malformed(what: string, detail: string): InfiniteCampusError {
  return new InfiniteCampusError('IC_MALFORMED_RESPONSE', `Infinite Campus answered reading ${what} with data gradebridge cannot use: ${detail}.`, {
    remedy: 'Check infiniteCampus.api: the connection mode must match the OneRoster version of the base URL.',
  });
}

function parseBody(answer: IcHttpAnswer, what: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw malformed(what, 'the body is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw malformed(what, 'the body is not a JSON object');
  return body as Record<string, unknown>;
}

function parseItem<T>(raw: unknown, envelopeKey: string, schema: z.ZodType<T>, connection: IcConnection, what: string): T {
  const parsed = schema.safeParse(normalizeUserIds(raw, envelopeKey, connection.mode));
  if (parsed.success) return parsed.data;
  const id = raw && typeof raw === 'object' && 'sourcedId' in raw ? ` (sourcedId ${String(raw.sourcedId)})` : '';
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.map(String).join('.') : 'object';
  throw malformed(what, `${envelopeKey}${id}: ${where}: ${issue?.message ?? 'invalid'}`);
}

/** Pages of a collection, each validated, as IC hands them out. */
export async function* readPages<T>(
  connection: IcConnection,
  service: IcService,
  path: string,
  envelopeKey: string,
  schema: z.ZodType<T>,
  pageSize: number,
  options: ReadOptions = {},
): AsyncGenerator<T[]> {
  const what = `${service} ${path}`;
  for (let offset = 0; ; ) {
    const query: Array<[string, string]> = [
      ['limit', String(pageSize)],
      ['offset', String(offset)],
    ];
    if (options.filter) query.push(['filter', options.filter]);
    const answer = answerOrThrow(await connection.call({ service, method: 'GET', path, query }), what);
    if (answer.status < 200 || answer.status >= 300) throw refused(answer, what, connection.scrub);
    const items = parseBody(answer, what)[envelopeKey];
    if (!Array.isArray(items)) throw malformed(what, `no "${envelopeKey}" list in the answer`);
    yield items.map((raw) => parseItem(raw, envelopeKey, schema, connection, what));

    offset += items.length;
    const totalHeader = headerValue(answer.headers, 'x-total-count');
    const total = totalHeader === undefined ? Number.NaN : Number(totalHeader);
    if (items.length === 0 || items.length < pageSize || offset >= total) return;
  }
}

export async function readCollection<T>(
  connection: IcConnection,
  service: IcService,
  path: string,
  envelopeKey: string,
  schema: z.ZodType<T>,
  pageSize: number,
  options: ReadOptions = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of readPages(connection, service, path, envelopeKey, schema, pageSize, options)) all.push(...page);
  return all;
}

/** One object, or null when IC does not know it (404). */
export async function readObject<T>(
  connection: IcConnection,
  service: IcService,
  path: string,
  envelopeKey: string,
  schema: z.ZodType<T>,
): Promise<T | null> {
  const what = `${service} ${path}`;
  const answer = answerOrThrow(await connection.call({ service, method: 'GET', path }), what);
  if (answer.status === 404) return null;
  if (answer.status < 200 || answer.status >= 300) throw refused(answer, what, connection.scrub);
  const raw = parseBody(answer, what)[envelopeKey];
  if (raw === undefined || raw === null) throw malformed(what, `no "${envelopeKey}" object in the answer`);
  return parseItem(raw, envelopeKey, schema, connection, what);
}
