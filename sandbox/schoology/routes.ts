/**
 * The sandbox's endpoints: Schoology REST v1 as gradebridge uses it (design `schoology.md`). Lists
 * page with `start`/`limit` (default 20, at most 200) and answer `total` and `links.next`; bulk
 * writes take at most 50 items and answer 200 with one `response_code` per item, in order.
 */
import type { District, ItemAnswer } from './district.ts';
import {
  apiId,
  apiUser,
  buildingToApi,
  courseToApi,
  gradingPeriodToApi,
  sectionToApi,
  userToApi,
  type SandboxUser,
} from './state.ts';

export const bulkLimit = 50;
export const lookupLimit = 50;
const defaultPageSize = 20;
const maxPageSize = 200;

/** The kinds `faults.failItems` is asked about: the state keys of the bulk-written objects. */
export type BulkKind = 'users' | 'courses' | 'sections' | 'enrollments' | 'parentLinks';

/** A message fails the item with 400; `{ code, message }` picks the code. */
export type ItemFault = (kind: BulkKind, item: unknown) => string | { code: number; message: string } | null;

export interface RouteRequest {
  method: string;
  url: URL;
  body: unknown;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Bulk size, for the request log. */
  items?: number;
}

type Handler = (params: string[], req: RouteRequest) => RouteAnswer;

function error(status: number, message: string): RouteAnswer {
  return { status, body: { response_code: status, message } };
}

function answerItem(answer: ItemAnswer) {
  return { ...answer, ...(answer.id !== undefined ? { id: apiId(answer.id) } : {}) };
}

/** One page of `items` under `key`, with `links.next` while more remain. */
function page(req: RouteRequest, key: string, items: unknown[]): RouteAnswer {
  const start = Number(req.url.searchParams.get('start') ?? 0);
  const asked = Number(req.url.searchParams.get('limit') ?? defaultPageSize);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(asked) || asked < 1) return error(400, 'start and limit must be whole numbers');
  const limit = Math.min(asked, maxPageSize);
  const link = (from: number) => {
    const url = new URL(req.url);
    url.searchParams.set('start', String(from));
    url.searchParams.set('limit', String(limit));
    return url.href;
  };
  const links: { self: string; next?: string } = { self: link(start) };
  if (start + limit < items.length) links.next = link(start + limit);
  return { status: 200, body: { [key]: items.slice(start, start + limit), total: items.length, links } };
}

/** The comma-separated keys of a lookup, at most 50; undefined when the filter is absent. */
function lookupKeys(req: RouteRequest, name: string): string[] | RouteAnswer | undefined {
  const value = req.url.searchParams.get(name);
  if (value === null) return undefined;
  const keys = value.split(',').map((key) => key.trim()).filter(Boolean);
  if (keys.length > lookupLimit) return error(400, `Too many values in ${name}: ${keys.length} (at most ${lookupLimit})`);
  return keys;
}

export function createRoutes(district: District, failItem: () => ItemFault | undefined) {
  const { state, schoolId } = district;
  const origin = (req: RouteRequest) => req.url.origin;

  /** `{ <plural>: { <singular>: [...] } }` -> per-item answers under `<singular>`. */
  const bulk = (req: RouteRequest, kind: BulkKind, plural: string, singular: string, write: (item: unknown) => ItemAnswer): RouteAnswer => {
    const wrapper = (req.body as Record<string, unknown> | undefined)?.[plural] as Record<string, unknown> | undefined;
    const items = wrapper?.[singular];
    if (!Array.isArray(items)) return error(400, `Expected a body of the form {"${plural}": {"${singular}": [...]}}`);
    if (items.length > bulkLimit) return { ...error(400, `Too many items: ${items.length} (at most ${bulkLimit} per request)`), items: items.length };
    const fault = failItem();
    const answers = items.map((item) => {
      const injected = fault?.(kind, item);
      if (typeof injected === 'string') return { response_code: 400, message: injected };
      if (injected) return { response_code: injected.code, message: injected.message };
      return answerItem(write(item));
    });
    return { status: 200, body: { [singular]: answers }, items: items.length };
  };

  const single = (answer: ItemAnswer, render: () => unknown): RouteAnswer =>
    answer.response_code >= 400 ? error(answer.response_code, answer.message ?? 'Refused') : { status: answer.response_code, body: render() };

  const userById = (id: string): SandboxUser | undefined => (id === apiUser.id ? apiUser : state.users.find((u) => u.id === id));
  const courseById = (id: string) => state.courses.find((c) => c.id === id);
  const sectionById = (id: string) => state.sections.find((s) => s.id === id);
  const renderSection = (section: (typeof state.sections)[number]) => sectionToApi(section, courseById(section.course_id));
  const isUpdate = (req: RouteRequest) => req.url.searchParams.get('update_existing') === '1';

  const routes: Array<[method: string, pattern: RegExp, handler: Handler]> = [
    ['GET', /^\/v1\/users\/me$/, (_, req) => ({ status: 303, headers: { location: `${origin(req)}/v1/users/${apiUser.id}` } })],
    [
      'GET',
      /^\/v1\/users\/ext\/([^/]+)$/,
      ([uid], req) => {
        const user = state.users.find((u) => u.school_uid === uid);
        return user ? { status: 303, headers: { location: `${origin(req)}/v1/users/${user.id}` } } : error(404, `No user with school_uid ${uid}`);
      },
    ],
    [
      'GET',
      /^\/v1\/users\/(\d+)$/,
      ([id]) => {
        const user = userById(id!);
        return user ? { status: 200, body: userToApi(user, schoolId) } : error(404, 'User not found');
      },
    ],
    [
      'GET',
      /^\/v1\/users$/,
      (_, req) => {
        const uids = lookupKeys(req, 'school_uids');
        if (uids && !Array.isArray(uids)) return uids;
        const users = uids ? state.users.filter((u) => uids.includes(u.school_uid)) : state.users;
        return page(req, 'user', users.map((u) => userToApi(u, schoolId)));
      },
    ],
    ['POST', /^\/v1\/users$/, (_, req) => bulk(req, 'users', 'users', 'user', (item) => district.upsertUser(item, isUpdate(req)))],
    ['POST', /^\/v1\/users\/import\/associations\/parents$/, (_, req) => bulk(req, 'parentLinks', 'associations', 'association', (item) => district.importParentLink(item))],
    ['GET', /^\/v1\/schools$/, (_, req) => page(req, 'school', [{ id: apiId(schoolId), title: 'Sandbox District' }])],
    [
      'GET',
      /^\/v1\/schools\/([^/]+)\/buildings$/,
      ([id], req) => (id === schoolId ? page(req, 'building', state.buildings.map(buildingToApi)) : error(404, 'School not found')),
    ],
    [
      'POST',
      /^\/v1\/schools\/([^/]+)\/buildings$/,
      ([id], req) => {
        if (id !== schoolId) return error(404, 'School not found');
        const answer = district.createBuilding(req.body);
        return single(answer, () => buildingToApi(state.buildings.find((b) => b.id === answer.id)!));
      },
    ],
    ['GET', /^\/v1\/gradingperiods$/, (_, req) => page(req, 'gradingperiods', state.gradingPeriods.map(gradingPeriodToApi))],
    [
      'POST',
      /^\/v1\/gradingperiods$/,
      (_, req) => {
        const answer = district.createGradingPeriod(req.body);
        return single(answer, () => gradingPeriodToApi(state.gradingPeriods.find((p) => p.id === answer.id)!));
      },
    ],
    ['GET', /^\/v1\/roles$/, (_, req) => page(req, 'role', state.roles.map((r) => ({ id: apiId(r.id), title: r.title })))],
    [
      'GET',
      /^\/v1\/courses$/,
      (_, req) => {
        const building = req.url.searchParams.get('building_id');
        const courses = building === null ? state.courses : state.courses.filter((c) => c.building_id === building);
        return page(req, 'course', courses.map(courseToApi));
      },
    ],
    ['POST', /^\/v1\/courses$/, (_, req) => bulk(req, 'courses', 'courses', 'course', (item) => district.upsertCourse(item, isUpdate(req)))],
    [
      'GET',
      /^\/v1\/courses\/([^/]+)\/sections$/,
      ([id], req) => (courseById(id!) ? page(req, 'section', state.sections.filter((s) => s.course_id === id).map(renderSection)) : error(404, 'Course not found')),
    ],
    [
      'POST',
      /^\/v1\/courses\/([^/]+)\/sections$/,
      ([id], req) => (courseById(id!) ? bulk(req, 'sections', 'sections', 'section', (item) => district.createSection(id!, item)) : error(404, 'Course not found')),
    ],
    [
      'GET',
      /^\/v1\/sections$/,
      (_, req) => {
        const codes = lookupKeys(req, 'section_school_codes');
        if (codes && !Array.isArray(codes)) return codes;
        const sections = codes ? state.sections.filter((s) => codes.includes(s.section_school_code)) : state.sections;
        return page(req, 'section', sections.map(renderSection));
      },
    ],
    [
      'GET',
      /^\/v1\/sections\/([^/]+)$/,
      ([id]) => {
        const section = sectionById(id!);
        return section ? { status: 200, body: renderSection(section) } : error(404, 'Section not found');
      },
    ],
    [
      'PUT',
      /^\/v1\/sections\/([^/]+)$/,
      ([id], req) => {
        const section = sectionById(id!);
        if (!section) return error(404, 'Section not found');
        const answer = district.updateSection(section, req.body);
        return answer.response_code >= 400 ? error(answer.response_code, answer.message ?? 'Refused') : { status: 204 };
      },
    ],
    [
      'GET',
      /^\/v1\/sections\/([^/]+)\/enrollments$/,
      ([id], req) => {
        if (!sectionById(id!)) return error(404, 'Section not found');
        const members = state.enrollments
          .filter((e) => e.section_id === id)
          .map((e) => {
            const user = state.users.find((u) => u.school_uid === e.school_uid);
            return { uid: apiId(user?.id ?? ''), school_uid: e.school_uid, name_display: user ? `${user.name_first} ${user.name_last}` : '', admin: e.admin ? 1 : 0, status: 1 };
          });
        return page(req, 'enrollment', members);
      },
    ],
    ['POST', /^\/v1\/enrollments\/import\/course$/, (_, req) => bulk(req, 'enrollments', 'enrollments', 'enrollment', (item) => district.importEnrollment(item))],
  ];

  return function route(req: RouteRequest): RouteAnswer {
    let pathMatched = false;
    for (const [method, pattern, handler] of routes) {
      const match = pattern.exec(req.url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (method !== req.method) continue;
      return handler(match.slice(1).map((part) => decodeURIComponent(part)), req);
    }
    return pathMatched ? error(405, `Method ${req.method} not allowed`) : error(404, `No such endpoint: ${req.url.pathname}`);
  };
}
