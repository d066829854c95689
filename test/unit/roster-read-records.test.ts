import { describe, expect, it } from 'vitest';
import { IcClass, IcCourse, IcEnrollment, IcOrg } from '../../src/load/ic-schemas.ts';
import { IcSessionWithOrg, sessionsCollection } from '../../src/roster/read-academic-sessions.ts';
import { classesCollection } from '../../src/roster/read-classes.ts';
import { coursesCollection } from '../../src/roster/read-courses.ts';
import { enrollmentsCollection } from '../../src/roster/read-enrollments.ts';
import { schoolsCollection } from '../../src/roster/read-schools.ts';
import { IcUserWithAgents, toRosterUser } from '../../src/roster/read-users.ts';

const ref = (sourcedId: string, type = 'org') => ({ sourcedId, type, href: `https://ic/${type}/${sourcedId}` });

describe('OneRoster objects -> roster records', () => {
  it('keeps schools only, with an empty identifier as none', () => {
    expect(schoolsCollection.toRecord(IcOrg.parse({ sourcedId: 'd', name: 'District', type: 'district' }))).toBeNull();
    expect(schoolsCollection.toRecord(IcOrg.parse({ sourcedId: 's', status: 'active', name: 'Lincoln', type: 'school', identifier: '' }))).toEqual({
      sourcedId: 's',
      status: 'active',
      name: 'Lincoln',
      identifier: null,
    });
  });

  it('reads a 1.2 session with its org, and a 1.1 session (numeric school year, no org) without', () => {
    const v12 = IcSessionWithOrg.parse({ sourcedId: 'q1', status: 'active', title: 'Q1', type: 'term', startDate: '2026-08-19', endDate: '2026-10-16T00:00:00Z', schoolYear: '2027', org: ref('lhs') });
    expect(sessionsCollection.toRecord(v12)).toEqual({ sourcedId: 'q1', status: 'active', title: 'Q1', type: 'term', startDate: '2026-08-19', endDate: '2026-10-16', schoolYear: '2027', orgSourcedId: 'lhs' });
    const v11 = IcSessionWithOrg.parse({ sourcedId: 'q1', title: 'Q1', type: 'term', startDate: '2026-08-19', endDate: '2026-10-16', schoolYear: 2027 });
    expect(sessionsCollection.toRecord(v11)).toMatchObject({ schoolYear: '2027', orgSourcedId: null, status: 'active' });
  });

  it('reads 1.2 users with roles (primary first) and agents', () => {
    const user = IcUserWithAgents.parse({
      sourcedId: 'g1',
      status: 'active',
      username: ' maria.garcia ',
      givenName: 'María',
      familyName: 'García',
      preferredFirstName: '',
      email: '',
      identifier: '4001',
      enabledUser: true,
      roles: [
        { roleType: 'secondary', role: 'parent', org: ref('wms') },
        { roleType: 'primary', role: 'parent', org: ref('lhs') },
      ],
      agents: [ref('stu-1', 'user')],
    });
    expect(toRosterUser(user)).toEqual({
      sourcedId: 'g1',
      status: 'active',
      enabled: true,
      username: 'maria.garcia',
      givenName: 'María',
      familyName: 'García',
      preferredFirstName: null,
      email: null,
      identifier: '4001',
      roles: [
        { roleType: 'primary', role: 'parent', orgSourcedId: 'lhs' },
        { roleType: 'secondary', role: 'parent', orgSourcedId: 'wms' },
      ],
      agents: ['stu-1'],
    });
  });

  it('reads 1.1 users: one role per org, "false" as disabled, tobedeleted kept', () => {
    const user = IcUserWithAgents.parse({ sourcedId: 't1', status: 'tobedeleted', role: 'teacher', orgs: [ref('wms'), ref('rhs')], enabledUser: 'false', givenName: 'Priya', familyName: 'Raman' });
    expect(toRosterUser(user)).toMatchObject({
      status: 'tobedeleted',
      enabled: false,
      roles: [
        { roleType: 'primary', role: 'teacher', orgSourcedId: 'wms' },
        { roleType: 'secondary', role: 'teacher', orgSourcedId: 'rhs' },
      ],
      agents: [],
    });
  });

  it('reads courses, classes and enrollments by their references', () => {
    expect(coursesCollection.toRecord(IcCourse.parse({ sourcedId: 'c', title: 'Algebra I', courseCode: 'MA101', org: ref('lhs'), status: 'inactive' }))).toEqual({
      sourcedId: 'c',
      status: 'tobedeleted',
      title: 'Algebra I',
      courseCode: 'MA101',
      orgSourcedId: 'lhs',
    });
    expect(classesCollection.toRecord(IcClass.parse({ sourcedId: 'k', title: 'Algebra I - P1', classCode: '', course: ref('c', 'course'), school: ref('lhs'), terms: [ref('q1', 'academicSession')] }))).toEqual({
      sourcedId: 'k',
      status: 'active',
      title: 'Algebra I - P1',
      classCode: null,
      courseSourcedId: 'c',
      schoolSourcedId: 'lhs',
      termSourcedIds: ['q1'],
    });
    expect(enrollmentsCollection.toRecord(IcEnrollment.parse({ sourcedId: 'e', user: ref('s1', 'user'), class: ref('k', 'class'), role: 'student', endDate: '2026-01-01' }))).toEqual({
      sourcedId: 'e',
      status: 'active',
      userSourcedId: 's1',
      classSourcedId: 'k',
      role: 'student',
    });
  });
});
