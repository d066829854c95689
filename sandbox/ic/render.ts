/**
 * The data set as IC serves it in each mode (infinite-campus-api.md "Reading collections"):
 * references become `{sourcedId, type, href}`; 1.1 and legacy rename a few fields and prefix user
 * sourcedIds with the user's role (`s+` student, `t+` staff, `c+` contact).
 */
import type {
  IcDatasetAcademicSession,
  IcDatasetClass,
  IcDatasetCourse,
  IcDatasetEnrollment,
  IcDatasetLineItem,
  IcDatasetOrg,
  IcDatasetScoreScale,
  IcDatasetUser,
} from './dataset.ts';
import type { District } from './district.ts';
import type { StoredResult } from './result-store.ts';
import type { IcApiMode } from './types.ts';

export type Json = Record<string, unknown>;
export type RefType = 'org' | 'academicSession' | 'course' | 'class' | 'user' | 'lineItem' | 'scoreScale' | 'category';
export interface Ref {
  sourcedId: string;
  type: RefType;
  href: string;
}

const collectionOf: Record<RefType, string> = {
  org: 'orgs',
  academicSession: 'academicSessions',
  course: 'courses',
  class: 'classes',
  user: 'users',
  lineItem: 'lineItems',
  scoreScale: 'scoreScales',
  category: 'categories',
};
const gradebookRefs = new Set<RefType>(['lineItem', 'scoreScale', 'category']);

const rolePrefix: Record<IcDatasetUser['roles'][number]['role'], string> = {
  student: 's',
  teacher: 't',
  administrator: 't',
  aide: 't',
  proctor: 't',
  guardian: 'c',
  parent: 'c',
  relative: 'c',
};

/** The one category every grading-task line item belongs to (1.1 requires a category). */
export const gradingTaskCategoryId = 'cat-grading-tasks';

export type EntityKind = 'org' | 'academicSession' | 'course' | 'class' | 'user' | 'enrollment' | 'lineItem' | 'result' | 'scoreScale';

const common = ['sourcedId', 'status', 'dateLastModified', 'metadata'];
/** Every field an object of a kind may carry in a mode: what filter, sort and fields may name. */
export function knownFields(kind: EntityKind, mode: IcApiMode): string[] {
  const v12 = mode === 'oneroster-1.2';
  const own: Record<EntityKind, string[]> = {
    org: ['name', 'type', 'identifier', 'parent', 'children'],
    academicSession: ['title', 'type', 'startDate', 'endDate', 'parent', 'children', 'schoolYear', ...(v12 ? ['org'] : [])],
    course: ['title', 'schoolYear', 'courseCode', 'grades', 'subjects', 'org', 'subjectCodes', 'resources'],
    class: ['title', 'classCode', 'classType', 'location', 'grades', 'subjects', 'course', 'school', 'terms', 'subjectCodes', 'periods', 'resources'],
    user: v12
      ? ['userMasterIdentifier', 'username', 'userIds', 'enabledUser', 'givenName', 'familyName', 'middleName', 'preferredFirstName', 'roles', 'agents', 'primaryOrg', 'identifier', 'email', 'sms', 'phone', 'grades']
      : ['username', 'userIds', 'enabledUser', 'givenName', 'familyName', 'middleName', 'role', 'identifier', 'email', 'sms', 'phone', 'agents', 'orgs', 'grades'],
    enrollment: ['user', 'class', 'school', 'role', 'primary', 'beginDate', 'endDate'],
    lineItem: ['title', 'description', 'assignDate', 'dueDate', 'class', 'school', 'category', v12 ? 'gradingPeriod' : 'academicSession', 'resultValueMin', 'resultValueMax', ...(v12 ? ['scoreScale'] : [])],
    result: ['lineItem', 'student', 'class', 'scoreStatus', 'score', 'textScore', 'scoreDate', 'comment'],
    scoreScale: ['title', 'type', 'class', 'course', 'scoreScaleValue'],
  };
  return [...common, ...own[kind]];
}

/** Filter names that stand for another path: 1.2 users have `roles[].role`, not `role`. */
export function fieldAliases(kind: EntityKind, mode: IcApiMode): Record<string, string> {
  return kind === 'user' && mode === 'oneroster-1.2' ? { role: 'roles.role' } : {};
}

export class Renderer {
  readonly prefixesUsers: boolean;

  constructor(
    readonly mode: IcApiMode,
    private readonly district: District,
    private readonly roots: { rostering: string; gradebook: string },
  ) {
    this.prefixesUsers = mode !== 'oneroster-1.2';
  }

  userId(id: string): string {
    const user = this.district.users.get(id);
    if (!this.prefixesUsers || !user) return id;
    return `${rolePrefix[this.district.primaryRole(user).role]}+${id}`;
  }

  /** The 1.2 ID of a user ID as sent in this mode; undefined when it names no user (a wrong or missing prefix included). */
  userIdFromClient(sent: string): string | undefined {
    if (!this.prefixesUsers) return this.district.users.has(sent) ? sent : undefined;
    const match = /^([a-z])\+(.+)$/.exec(sent);
    if (!match?.[2] || !this.district.users.has(match[2])) return undefined;
    return this.userId(match[2]) === sent ? match[2] : undefined;
  }

  ref(type: RefType, id: string): Ref {
    const sourcedId = type === 'user' ? this.userId(id) : id;
    const root = gradebookRefs.has(type) ? this.roots.gradebook : this.roots.rostering;
    return { sourcedId, type, href: `${root}/${collectionOf[type]}/${encodeURIComponent(sourcedId)}` };
  }

  #base(o: { sourcedId: string; status: string; dateLastModified: string }): Json {
    return { sourcedId: o.sourcedId, status: o.status, dateLastModified: o.dateLastModified };
  }

  org(o: IcDatasetOrg): Json {
    const children = this.district.dataset.orgs.filter((c) => c.parent === o.sourcedId).map((c) => this.ref('org', c.sourcedId));
    return {
      ...this.#base(o),
      name: o.name,
      type: o.type,
      identifier: o.identifier ?? '',
      ...(o.parent ? { parent: this.ref('org', o.parent) } : {}),
      children,
    };
  }

  academicSession(s: IcDatasetAcademicSession): Json {
    const children = this.district.dataset.academicSessions
      .filter((c) => c.parent === s.sourcedId)
      .map((c) => this.ref('academicSession', c.sourcedId));
    return {
      ...this.#base(s),
      title: s.title,
      type: s.type,
      startDate: s.startDate,
      endDate: s.endDate,
      ...(s.parent ? { parent: this.ref('academicSession', s.parent) } : {}),
      children,
      schoolYear: s.schoolYear,
      ...(this.mode === 'oneroster-1.2' ? { org: this.ref('org', s.org) } : {}),
    };
  }

  course(c: IcDatasetCourse): Json {
    return {
      ...this.#base(c),
      title: c.title,
      schoolYear: this.ref('academicSession', c.schoolYear),
      courseCode: c.courseCode,
      grades: [],
      subjects: [],
      org: this.ref('org', c.org),
    };
  }

  class(c: IcDatasetClass): Json {
    return {
      ...this.#base(c),
      title: c.title,
      classCode: c.classCode,
      classType: c.classType,
      location: '',
      grades: [],
      subjects: [],
      course: this.ref('course', c.course),
      school: this.ref('org', c.school),
      terms: c.terms.map((t) => this.ref('academicSession', t)),
      periods: c.periods,
    };
  }

  user(u: IcDatasetUser): Json {
    const primary = this.district.primaryRole(u);
    const common: Json = {
      ...this.#base(u),
      sourcedId: this.userId(u.sourcedId),
      username: u.username,
      userIds: [{ type: 'studentNumber', identifier: u.identifier }],
      givenName: u.givenName,
      familyName: u.familyName,
      middleName: u.middleName ?? '',
      identifier: u.identifier,
      email: u.email ?? '',
      sms: '',
      phone: '',
      agents: u.agents.map((a) => this.ref('user', a)),
      grades: u.grades,
    };
    if (this.mode === 'oneroster-1.2') {
      return {
        ...common,
        metadata: { ic: { legacySourcedId: `${rolePrefix[primary.role]}+${u.sourcedId}` } },
        enabledUser: u.enabledUser,
        preferredFirstName: u.preferredFirstName ?? '',
        roles: u.roles.map((r) => ({ roleType: r.roleType, role: r.role, org: this.ref('org', r.org) })),
        primaryOrg: this.ref('org', primary.org),
      };
    }
    const orgs = [...new Set(u.roles.map((r) => r.org))];
    // OneRoster 1.1's binding carries enabledUser as the strings "true"/"false".
    return { ...common, enabledUser: String(u.enabledUser), role: primary.role, orgs: orgs.map((o) => this.ref('org', o)) };
  }

  enrollment(e: IcDatasetEnrollment): Json {
    const school = this.district.classes.get(e.class)?.school;
    return {
      ...this.#base(e),
      user: this.ref('user', e.user),
      class: this.ref('class', e.class),
      ...(school ? { school: this.ref('org', school) } : {}),
      role: e.role,
      primary: this.mode === 'oneroster-1.2' ? e.primary : String(e.primary),
      ...(e.beginDate ? { beginDate: e.beginDate } : {}),
      ...(e.endDate ? { endDate: e.endDate } : {}),
    };
  }

  lineItem(l: IcDatasetLineItem): Json {
    const klass = this.district.classes.get(l.class);
    const metadata: Json = {
      ext_infiniteCampus_gradingTaskID: l.taskId,
      ext_infiniteCampus_isStandard: l.isStandard,
      ext_infiniteCampus_isOneTime: l.isOneTime,
      ...(l.windowOpen !== undefined ? { ext_infiniteCampus_isGradingWindowOpen: l.windowOpen } : {}),
    };
    const term = this.ref('academicSession', l.gradingPeriod);
    return {
      ...this.#base(l),
      metadata,
      title: l.title,
      description: `${klass?.title ?? l.class}: ${l.title} (${this.district.sessions.get(l.gradingPeriod)?.title ?? l.gradingPeriod})`,
      assignDate: l.assignDate,
      dueDate: l.dueDate,
      class: this.ref('class', l.class),
      ...(klass ? { school: this.ref('org', klass.school) } : {}),
      category: this.ref('category', gradingTaskCategoryId),
      ...(this.mode === 'oneroster-1.2' ? { gradingPeriod: term } : { academicSession: term }),
      resultValueMin: 0,
      resultValueMax: 100,
      ...(this.mode === 'oneroster-1.2' && l.scoreScale ? { scoreScale: this.ref('scoreScale', l.scoreScale) } : {}),
    };
  }

  scoreScale(s: IcDatasetScoreScale): Json {
    return { ...this.#base(s), title: s.title, type: s.type, scoreScaleValue: s.scoreScaleValue };
  }

  result(r: StoredResult): Json {
    return {
      sourcedId: r.sourcedId,
      status: 'active',
      dateLastModified: r.dateLastModified,
      ...(r.metadata ? { metadata: r.metadata } : {}),
      lineItem: this.ref('lineItem', r.lineItemSourcedId),
      student: this.ref('user', r.studentSourcedId),
      ...(r.classSourcedId ? { class: this.ref('class', r.classSourcedId) } : {}),
      ...(r.scoreStatus !== undefined ? { scoreStatus: r.scoreStatus } : {}),
      ...(r.score !== undefined ? { score: r.score } : {}),
      ...(r.textScore !== undefined ? { textScore: r.textScore } : {}),
      scoreDate: r.scoreDate,
      ...(r.comment !== undefined ? { comment: r.comment } : {}),
    };
  }
}
