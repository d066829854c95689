/** The data set indexed for the questions the endpoints ask (who is in a class, which items it has). */
import type {
  IcDataset,
  IcDatasetAcademicSession,
  IcDatasetClass,
  IcDatasetCourse,
  IcDatasetEnrollment,
  IcDatasetGradingWindow,
  IcDatasetLineItem,
  IcDatasetOrg,
  IcDatasetScoreScale,
  IcDatasetUser,
} from './dataset.ts';

function byId<T extends { sourcedId: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((o) => [o.sourcedId, o]));
}

function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export class District {
  readonly orgs: Map<string, IcDatasetOrg>;
  readonly sessions: Map<string, IcDatasetAcademicSession>;
  readonly courses: Map<string, IcDatasetCourse>;
  readonly classes: Map<string, IcDatasetClass>;
  readonly users: Map<string, IcDatasetUser>;
  readonly enrollments: Map<string, IcDatasetEnrollment>;
  readonly lineItems: Map<string, IcDatasetLineItem>;
  readonly scoreScales: Map<string, IcDatasetScoreScale>;
  readonly #enrollmentsByClass: Map<string, IcDatasetEnrollment[]>;
  readonly #lineItemsByClass: Map<string, IcDatasetLineItem[]>;

  constructor(readonly dataset: IcDataset) {
    this.orgs = byId(dataset.orgs);
    this.sessions = byId(dataset.academicSessions);
    this.courses = byId(dataset.courses);
    this.classes = byId(dataset.classes);
    this.users = byId(dataset.users);
    this.enrollments = byId(dataset.enrollments);
    this.lineItems = byId(dataset.lineItems);
    this.scoreScales = byId(dataset.scoreScales);
    this.#enrollmentsByClass = groupBy(dataset.enrollments, (e) => e.class);
    this.#lineItemsByClass = groupBy(dataset.lineItems, (l) => l.class);
  }

  schools(): IcDatasetOrg[] {
    return this.dataset.orgs.filter((o) => o.type === 'school');
  }

  classesOfSchool(schoolId: string): IcDatasetClass[] {
    return this.dataset.classes.filter((c) => c.school === schoolId);
  }

  /** Users with an active enrollment in the class in that role. */
  membersOfClass(classId: string, role: IcDatasetEnrollment['role']): IcDatasetUser[] {
    return (this.#enrollmentsByClass.get(classId) ?? [])
      .filter((e) => e.role === role && e.status === 'active')
      .map((e) => this.users.get(e.user))
      .filter((u): u is IcDatasetUser => u !== undefined);
  }

  isEnrolledAsStudent(userId: string, classId: string): boolean {
    return (this.#enrollmentsByClass.get(classId) ?? []).some((e) => e.user === userId && e.role === 'student' && e.status === 'active');
  }

  lineItemsOfClass(classId: string): IcDatasetLineItem[] {
    return this.#lineItemsByClass.get(classId) ?? [];
  }

  hasRole(user: IcDatasetUser, role: string): boolean {
    return user.roles.some((r) => r.role === role);
  }

  primaryRole(user: IcDatasetUser): IcDatasetUser['roles'][number] {
    const primary = user.roles.find((r) => r.roleType === 'primary') ?? user.roles[0];
    if (!primary) throw new Error(`User ${user.sourcedId} has no role`);
    return primary;
  }

  windowsFor(lineItem: IcDatasetLineItem): IcDatasetGradingWindow[] {
    const school = this.classes.get(lineItem.class)?.school;
    return this.dataset.gradingWindows.filter((w) => w.school === school && w.taskId === lineItem.taskId && w.term === lineItem.gradingPeriod);
  }
}
