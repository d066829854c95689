/**
 * What the Schoology sandbox holds: one district ("school" in Schoology's words) with its buildings,
 * grading periods, roles, users, courses, sections, enrollments and parent links. IDs are strings of
 * digits in the state and go out as JSON numbers, as Schoology sends most of them (sections go out as
 * strings, as Schoology sends those), so the client's normalisation is exercised.
 */

export interface SandboxBuilding {
  id: string;
  title: string;
  building_code: string;
}

export interface SandboxGradingPeriod {
  id: string;
  title: string;
  /** YYYY-MM-DD */
  start: string;
  end: string;
}

export interface SandboxRole {
  id: string;
  title: string;
}

export interface SandboxUser {
  id: string;
  school_uid: string;
  name_first: string;
  name_last: string;
  name_first_preferred?: string;
  username?: string;
  primary_email?: string;
  role_id: string;
  building_id: string;
  additional_buildings?: string[];
}

export interface SandboxCourse {
  id: string;
  title: string;
  course_code: string;
  building_id: string;
}

export interface SandboxSection {
  id: string;
  course_id: string;
  title: string;
  section_code: string;
  section_school_code: string;
  grading_periods: string[];
}

export interface SandboxEnrollment {
  section_id: string;
  section_school_code: string;
  school_uid: string;
  admin: boolean;
  /** Made directly in Schoology (addEnrollmentByHand), not through the import API. */
  byHand: boolean;
}

export interface SandboxParentLink {
  parent_uid: string;
  student_uid: string;
}

export interface SchoologyState {
  buildings: SandboxBuilding[];
  gradingPeriods: SandboxGradingPeriod[];
  roles: SandboxRole[];
  users: SandboxUser[];
  courses: SandboxCourse[];
  sections: SandboxSection[];
  enrollments: SandboxEnrollment[];
  parentLinks: SandboxParentLink[];
}

export const defaultRoles: SandboxRole[] = [
  { id: '261', title: 'Student' },
  { id: '262', title: 'Teacher' },
  { id: '263', title: 'School Admin' },
  { id: '264', title: 'Parent' },
  { id: '265', title: 'System Admin' },
];

/** The user the sandbox's API key belongs to (`/users/me`); kept apart from `users`, which is the district's roster. */
export const apiUser: SandboxUser = {
  id: '900001',
  school_uid: 'gradebridge-api',
  name_first: 'Gradebridge',
  name_last: 'API',
  role_id: '265',
  building_id: '',
};

export function initialState(initial: Partial<SchoologyState> = {}): SchoologyState {
  return structuredClone({
    buildings: initial.buildings ?? [],
    gradingPeriods: initial.gradingPeriods ?? [],
    roles: initial.roles ?? defaultRoles,
    users: initial.users ?? [],
    courses: initial.courses ?? [],
    sections: initial.sections ?? [],
    enrollments: initial.enrollments ?? [],
    parentLinks: initial.parentLinks ?? [],
  });
}

/** Hands out new IDs above every numeric ID already present. */
export function idAllocator(state: SchoologyState, schoolId: string): () => string {
  const ids = [state.buildings, state.gradingPeriods, state.roles, state.users, state.courses, state.sections]
    .flat()
    .map((item) => item.id)
    .concat(schoolId, apiUser.id);
  let next = Math.max(100_000, ...ids.filter((id) => /^\d+$/.test(id)).map(Number)) + 1;
  return () => String(next++);
}

/** Numeric IDs go out as numbers, others as they are. */
export function apiId(id: string): string | number {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

export function userToApi(user: SandboxUser, schoolId: string) {
  return {
    id: apiId(user.id),
    school_id: apiId(schoolId),
    school_uid: user.school_uid,
    name_first: user.name_first,
    name_first_preferred: user.name_first_preferred ?? '',
    name_last: user.name_last,
    name_display: `${user.name_first_preferred || user.name_first} ${user.name_last}`,
    username: user.username ?? '',
    primary_email: user.primary_email ?? '',
    role_id: apiId(user.role_id),
    building_id: apiId(user.building_id),
    // Schoology sends this list as one comma-separated string.
    additional_buildings: (user.additional_buildings ?? []).join(','),
  };
}

export function buildingToApi(building: SandboxBuilding) {
  return { id: apiId(building.id), title: building.title, building_code: building.building_code };
}

export function gradingPeriodToApi(period: SandboxGradingPeriod) {
  return { id: apiId(period.id), title: period.title, start: period.start, end: period.end };
}

export function courseToApi(course: SandboxCourse) {
  return { id: apiId(course.id), title: course.title, course_code: course.course_code, building_id: apiId(course.building_id) };
}

export function sectionToApi(section: SandboxSection, course: SandboxCourse | undefined) {
  return {
    id: section.id,
    course_id: apiId(section.course_id),
    course_title: course?.title ?? '',
    course_code: course?.course_code ?? '',
    title: section.title,
    section_code: section.section_code,
    section_school_code: section.section_school_code,
    grading_periods: section.grading_periods.map(apiId),
  };
}
