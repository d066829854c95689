/** The rostering endpoints (infinite-campus-api.md "Reading collections"): collections and single objects. */
import { collectionReply } from './collections.ts';
import type { District } from './district.ts';
import { json, type Reply, type SandboxRequest } from './http.ts';
import { ImsxError, unknownObject } from './imsx.ts';
import { fieldAliases, knownFields, type EntityKind, type Json, type Renderer } from './render.ts';

interface Listing {
  kind: EntityKind;
  envelope: string;
  items: Json[];
}

/** The envelope of a single object: `/schools/{id}` answers `{"org":...}`, `/students/{id}` `{"user":...}`. */
const singleEnvelope: Record<string, string> = {
  orgs: 'org',
  schools: 'org',
  academicSessions: 'academicSession',
  terms: 'academicSession',
  gradingPeriods: 'academicSession',
  courses: 'course',
  classes: 'class',
  users: 'user',
  students: 'user',
  teachers: 'user',
  enrollments: 'enrollment',
};

function singular(resource: string): string {
  return singleEnvelope[resource] ?? resource;
}

export function handleRostering(req: SandboxRequest, segments: readonly string[], district: District, view: Renderer): Reply {
  if (req.method !== 'GET') throw new ImsxError(405, 'unsupported', `${req.method} is not supported on rostering endpoints.`);
  const d = district.dataset;
  const sessionsOfType = (type?: string) => d.academicSessions.filter((s) => type === undefined || s.type === type).map((s) => view.academicSession(s));
  const usersWithRole = (role?: string) => d.users.filter((u) => role === undefined || district.hasRole(u, role)).map((u) => view.user(u));

  const collections: Record<string, () => Listing> = {
    orgs: () => ({ kind: 'org', envelope: 'orgs', items: d.orgs.map((o) => view.org(o)) }),
    schools: () => ({ kind: 'org', envelope: 'orgs', items: district.schools().map((o) => view.org(o)) }),
    academicSessions: () => ({ kind: 'academicSession', envelope: 'academicSessions', items: sessionsOfType() }),
    terms: () => ({ kind: 'academicSession', envelope: 'academicSessions', items: sessionsOfType('term') }),
    gradingPeriods: () => ({ kind: 'academicSession', envelope: 'academicSessions', items: sessionsOfType('gradingPeriod') }),
    courses: () => ({ kind: 'course', envelope: 'courses', items: d.courses.map((c) => view.course(c)) }),
    classes: () => ({ kind: 'class', envelope: 'classes', items: d.classes.map((c) => view.class(c)) }),
    users: () => ({ kind: 'user', envelope: 'users', items: usersWithRole() }),
    students: () => ({ kind: 'user', envelope: 'users', items: usersWithRole('student') }),
    teachers: () => ({ kind: 'user', envelope: 'users', items: usersWithRole('teacher') }),
    enrollments: () => ({ kind: 'enrollment', envelope: 'enrollments', items: d.enrollments.map((e) => view.enrollment(e)) }),
  };

  const [resource, id, sub, ...extra] = segments;
  if (resource === undefined || extra.length > 0) throw unknownObject(`No endpoint at /${segments.join('/')}.`);

  if (id === undefined) {
    const listing = collections[resource]?.();
    if (!listing) throw unknownObject(`No endpoint at /${resource}.`);
    return list(req, listing, view);
  }

  if (sub === undefined) return json(200, { [singular(resource)]: single(resource, id, district, view) });

  if (resource === 'schools' && sub === 'classes') {
    const school = district.orgs.get(id);
    if (!school || school.type !== 'school') throw unknownObject(`Unknown school ${id}.`);
    return list(req, { kind: 'class', envelope: 'classes', items: district.classesOfSchool(id).map((c) => view.class(c)) }, view);
  }
  if (resource === 'classes' && (sub === 'students' || sub === 'teachers')) {
    if (!district.classes.has(id)) throw unknownObject(`Unknown class ${id}.`);
    const members = district.membersOfClass(id, sub === 'students' ? 'student' : 'teacher');
    return list(req, { kind: 'user', envelope: 'users', items: members.map((u) => view.user(u)) }, view);
  }
  throw unknownObject(`No endpoint at /${segments.join('/')}.`);
}

function list(req: SandboxRequest, listing: Listing, view: Renderer): Reply {
  return collectionReply(req, listing.items, {
    envelope: listing.envelope,
    fields: knownFields(listing.kind, view.mode),
    aliases: fieldAliases(listing.kind, view.mode),
  });
}

/** Endpoints that narrow a collection: `/terms/{id}` is an academic session of type term. */
const sessionTypeOf: Record<string, string | undefined> = { terms: 'term', gradingPeriods: 'gradingPeriod' };
const roleOf: Record<string, string | undefined> = { students: 'student', teachers: 'teacher' };

function single(resource: string, id: string, district: District, view: Renderer): Json {
  const missing = () => unknownObject(`Unknown ${singular(resource)} ${id}.`);
  switch (resource) {
    case 'orgs':
    case 'schools': {
      const org = district.orgs.get(id);
      if (!org || (resource === 'schools' && org.type !== 'school')) throw missing();
      return view.org(org);
    }
    case 'academicSessions':
    case 'terms':
    case 'gradingPeriods': {
      const session = district.sessions.get(id);
      const type = sessionTypeOf[resource];
      if (!session || (type !== undefined && session.type !== type)) throw missing();
      return view.academicSession(session);
    }
    case 'courses': {
      const course = district.courses.get(id);
      if (!course) throw missing();
      return view.course(course);
    }
    case 'classes': {
      const klass = district.classes.get(id);
      if (!klass) throw missing();
      return view.class(klass);
    }
    case 'users':
    case 'students':
    case 'teachers': {
      const userId = view.userIdFromClient(id);
      const user = userId === undefined ? undefined : district.users.get(userId);
      const role = roleOf[resource];
      if (!user || (role !== undefined && !district.hasRole(user, role))) throw missing();
      return view.user(user);
    }
    case 'enrollments': {
      const enrollment = district.enrollments.get(id);
      if (!enrollment) throw missing();
      return view.enrollment(enrollment);
    }
    default:
      throw unknownObject(`No endpoint at /${resource}/{id}.`);
  }
}
