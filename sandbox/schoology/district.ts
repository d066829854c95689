/**
 * The sandbox district's write rules, one method per Schoology write, each taking one item as it
 * came over the wire and answering as Schoology answers one bulk item: a `response_code` (200
 * updated, 201 created, 204 nothing to do, 4xx refused) with an ID or a message. Upserts match users
 * by `school_uid` and courses by `course_code`; sections are created under a course and updated by ID.
 */
import { z } from 'zod';
import type { SandboxEnrollment, SandboxSection, SandboxUser, SchoologyState } from './state.ts';

export interface ItemAnswer {
  response_code: number;
  id?: string;
  message?: string;
}

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : String(value).trim()));
const idList = z
  .union([z.array(z.union([z.string(), z.number()])), z.string(), z.number()])
  .nullish()
  .transform((value) => {
    if (value === null || value === undefined) return undefined;
    const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
    return parts.map((part) => part.trim()).filter((part) => part !== '');
  });
const flag = z
  .union([z.number(), z.string(), z.boolean()])
  .nullish()
  .transform((value) => value === true || Number(value) === 1);

const UserItem = z.looseObject({
  school_uid: text,
  name_first: text,
  name_last: text,
  name_first_preferred: text,
  username: text,
  primary_email: text,
  role_id: text,
  building_id: text,
  additional_buildings: idList,
});
const CourseItem = z.looseObject({ title: text, course_code: text, building_id: text });
const SectionItem = z.looseObject({ title: text, section_code: text, section_school_code: text, grading_periods: idList });
const EnrollmentItem = z.looseObject({ section_school_code: text, school_uid: text, admin: flag, delete: flag });
const ParentLinkItem = z.looseObject({ parent_uid: text, student_uid: text, delete: flag });
const BuildingBody = z.looseObject({ title: text, building_code: text });
const GradingPeriodBody = z.looseObject({ title: text, start: text, end: text });

const notAnObject: ItemAnswer = { response_code: 400, message: 'Each item must be a JSON object' };

function missing<T extends Record<string, unknown>>(item: T, fields: Array<keyof T & string>): ItemAnswer | undefined {
  const absent = fields.find((field) => item[field] === undefined || item[field] === '');
  return absent ? { response_code: 400, message: `Missing required field: ${absent}` } : undefined;
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** `""` clears an optional field; absent leaves it as it is. */
function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined | ''): void {
  if (value === undefined) return;
  if (value === '') delete target[key];
  else target[key] = value;
}

export class District {
  readonly state: SchoologyState;
  readonly schoolId: string;
  readonly #newId: () => string;

  constructor(state: SchoologyState, schoolId: string, newId: () => string) {
    this.state = state;
    this.schoolId = schoolId;
    this.#newId = newId;
  }

  buildingExists(id: string): boolean {
    return id === this.schoolId || this.state.buildings.some((building) => building.id === id);
  }

  createBuilding(body: unknown): ItemAnswer {
    const parsed = BuildingBody.safeParse(body);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['title', 'building_code']);
    if (absent) return absent;
    if (this.state.buildings.some((b) => sameText(b.building_code, item.building_code))) {
      return { response_code: 409, message: `Building code ${item.building_code} is already in use` };
    }
    const id = this.#newId();
    this.state.buildings.push({ id, title: item.title!, building_code: item.building_code! });
    return { response_code: 201, id };
  }

  createGradingPeriod(body: unknown): ItemAnswer {
    const parsed = GradingPeriodBody.safeParse(body);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['title', 'start', 'end']);
    if (absent) return absent;
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (!date.test(item.start!) || !date.test(item.end!)) return { response_code: 400, message: 'start and end must be dates as YYYY-MM-DD' };
    if (item.start! > item.end!) return { response_code: 400, message: 'The grading period ends before it starts' };
    if (this.state.gradingPeriods.some((p) => p.title === item.title)) {
      return { response_code: 409, message: `A grading period titled "${item.title}" already exists` };
    }
    const id = this.#newId();
    this.state.gradingPeriods.push({ id, title: item.title!, start: item.start!, end: item.end! });
    return { response_code: 201, id };
  }

  upsertUser(raw: unknown, updateExisting: boolean): ItemAnswer {
    const parsed = UserItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['school_uid', 'name_first', 'name_last', 'role_id']);
    if (absent) return absent;
    if (!this.state.roles.some((role) => role.id === item.role_id)) return { response_code: 400, message: `Invalid role_id: ${item.role_id}` };
    const buildings = [item.building_id, ...(item.additional_buildings ?? [])].filter((id): id is string => Boolean(id));
    const unknownBuilding = buildings.find((id) => !this.buildingExists(id));
    if (unknownBuilding) return { response_code: 400, message: `Invalid building_id: ${unknownBuilding}` };
    const existing = this.state.users.find((user) => user.school_uid === item.school_uid);
    if (existing && !updateExisting) return { response_code: 409, message: `A user with school_uid ${item.school_uid} already exists` };
    const others = this.state.users.filter((user) => user !== existing);
    if (item.primary_email && others.some((user) => sameText(user.primary_email, item.primary_email))) {
      return { response_code: 400, message: `Email address ${item.primary_email} is already in use by another user` };
    }
    if (item.username && others.some((user) => sameText(user.username, item.username))) {
      return { response_code: 400, message: `Username ${item.username} is already taken` };
    }
    const user: SandboxUser = existing ?? {
      id: this.#newId(),
      school_uid: item.school_uid!,
      name_first: '',
      name_last: '',
      role_id: '',
      building_id: this.schoolId,
    };
    user.name_first = item.name_first!;
    user.name_last = item.name_last!;
    user.role_id = item.role_id!;
    if (item.building_id) user.building_id = item.building_id;
    setOptional(user, 'name_first_preferred', item.name_first_preferred);
    setOptional(user, 'username', item.username);
    setOptional(user, 'primary_email', item.primary_email);
    if (item.additional_buildings !== undefined) {
      if (item.additional_buildings.length > 0) user.additional_buildings = item.additional_buildings;
      else delete user.additional_buildings;
    }
    if (existing) return { response_code: 200, id: user.id };
    this.state.users.push(user);
    return { response_code: 201, id: user.id };
  }

  upsertCourse(raw: unknown, updateExisting: boolean): ItemAnswer {
    const parsed = CourseItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['title', 'course_code']);
    if (absent) return absent;
    if (item.building_id && !this.buildingExists(item.building_id)) return { response_code: 400, message: `Invalid building_id: ${item.building_id}` };
    const existing = this.state.courses.find((course) => course.course_code === item.course_code);
    if (existing && !updateExisting) return { response_code: 409, message: `A course with course code ${item.course_code} already exists` };
    if (existing) {
      existing.title = item.title!;
      if (item.building_id) existing.building_id = item.building_id;
      return { response_code: 200, id: existing.id };
    }
    const id = this.#newId();
    this.state.courses.push({ id, title: item.title!, course_code: item.course_code!, building_id: item.building_id || this.schoolId });
    return { response_code: 201, id };
  }

  createSection(courseId: string, raw: unknown): ItemAnswer {
    const parsed = SectionItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['title']);
    if (absent) return absent;
    const periods = this.#checkPeriods(item.grading_periods);
    if (!Array.isArray(periods)) return periods;
    if (item.section_school_code && this.#sectionBySchoolCode(item.section_school_code)) {
      return { response_code: 409, message: `Section school code ${item.section_school_code} is already in use` };
    }
    const id = this.#newId();
    this.state.sections.push({
      id,
      course_id: courseId,
      title: item.title!,
      section_code: item.section_code ?? '',
      section_school_code: item.section_school_code ?? '',
      grading_periods: periods,
    });
    return { response_code: 201, id };
  }

  /** `PUT /sections/{id}`: only the fields sent change. */
  updateSection(section: SandboxSection, raw: unknown): ItemAnswer {
    const parsed = SectionItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    if (item.title === '') return { response_code: 400, message: 'title cannot be empty' };
    const code = item.section_school_code;
    if (code && code !== section.section_school_code && this.#sectionBySchoolCode(code)) {
      return { response_code: 409, message: `Section school code ${code} is already in use` };
    }
    let periods: string[] | undefined;
    if (item.grading_periods !== undefined) {
      const checked = this.#checkPeriods(item.grading_periods);
      if (!Array.isArray(checked)) return checked;
      periods = checked;
    }
    if (item.title !== undefined) section.title = item.title;
    if (item.section_code !== undefined) section.section_code = item.section_code;
    if (periods) section.grading_periods = periods;
    if (code !== undefined && code !== section.section_school_code) {
      section.section_school_code = code;
      for (const enrollment of this.state.enrollments) if (enrollment.section_id === section.id) enrollment.section_school_code = code;
    }
    return { response_code: 204 };
  }

  importEnrollment(raw: unknown): ItemAnswer {
    const parsed = EnrollmentItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['section_school_code', 'school_uid']);
    if (absent) return absent;
    const index = this.state.enrollments.findIndex((e) => e.section_school_code === item.section_school_code && e.school_uid === item.school_uid);
    if (item.delete) {
      // Removing what is not there is no failure: the enrollment is gone either way.
      if (index < 0) return { response_code: 204, message: 'Not enrolled; nothing to delete' };
      this.state.enrollments.splice(index, 1);
      return { response_code: 200, message: 'Enrollment removed' };
    }
    const section = this.#sectionBySchoolCode(item.section_school_code!);
    if (!section) return { response_code: 404, message: `Section not found: ${item.section_school_code}` };
    const user = this.state.users.find((u) => u.school_uid === item.school_uid);
    if (!user) return { response_code: 404, message: `User not found: ${item.school_uid}` };
    const existing: SandboxEnrollment | undefined = this.state.enrollments[index];
    if (existing) {
      existing.admin = item.admin;
      return { response_code: 200, id: user.id };
    }
    this.state.enrollments.push({ section_id: section.id, section_school_code: section.section_school_code, school_uid: user.school_uid, admin: item.admin, byHand: false });
    return { response_code: 201, id: user.id };
  }

  importParentLink(raw: unknown): ItemAnswer {
    const parsed = ParentLinkItem.safeParse(raw);
    if (!parsed.success) return notAnObject;
    const item = parsed.data;
    const absent = missing(item, ['parent_uid', 'student_uid']);
    if (absent) return absent;
    const index = this.state.parentLinks.findIndex((l) => l.parent_uid === item.parent_uid && l.student_uid === item.student_uid);
    if (item.delete) {
      if (index < 0) return { response_code: 204, message: 'Not linked; nothing to delete' };
      this.state.parentLinks.splice(index, 1);
      return { response_code: 200, message: 'Association removed' };
    }
    for (const uid of [item.parent_uid!, item.student_uid!]) {
      if (!this.state.users.some((u) => u.school_uid === uid)) return { response_code: 404, message: `User not found: ${uid}` };
    }
    if (index >= 0) return { response_code: 200 };
    this.state.parentLinks.push({ parent_uid: item.parent_uid!, student_uid: item.student_uid! });
    return { response_code: 201 };
  }

  addEnrollmentByHand(sectionSchoolCode: string, schoolUid: string, admin: boolean): void {
    const section = this.#sectionBySchoolCode(sectionSchoolCode);
    if (!section) throw new Error(`no section with section school code ${sectionSchoolCode}`);
    if (!this.state.users.some((u) => u.school_uid === schoolUid)) throw new Error(`no user with school_uid ${schoolUid}`);
    const existing = this.state.enrollments.find((e) => e.section_id === section.id && e.school_uid === schoolUid);
    if (existing) {
      existing.admin = admin;
      existing.byHand = true;
      return;
    }
    this.state.enrollments.push({ section_id: section.id, section_school_code: sectionSchoolCode, school_uid: schoolUid, admin, byHand: true });
  }

  #sectionBySchoolCode(code: string): SandboxSection | undefined {
    return this.state.sections.find((section) => section.section_school_code === code);
  }

  #checkPeriods(periods: string[] | undefined): string[] | ItemAnswer {
    if (!periods || periods.length === 0) return { response_code: 400, message: 'Missing required field: grading_periods' };
    const unknown = periods.find((id) => !this.state.gradingPeriods.some((p) => p.id === id));
    return unknown ? { response_code: 400, message: `Invalid grading period: ${unknown}` } : periods;
  }
}
