/**
 * createSchoologyClient: the SchoologyClient (types.ts) over one SchoologyHttp. The district's
 * school ID, which buildings live under, is read once and read again if that failed.
 */
import { SchoologyError } from '../../errors.ts';
import { createBuilding } from './create-building.ts';
import { createGradingPeriod } from './create-grading-period.ts';
import { createSections } from './create-sections.ts';
import { findSectionsBySchoolCode } from './find-sections.ts';
import { findUsersBySchoolUid } from './find-users.ts';
import { getMe } from './get-me.ts';
import { SchoologyHttp } from './http.ts';
import { importEnrollments } from './import-enrollments.ts';
import { importParentLinks } from './import-parent-links.ts';
import { listBuildings } from './list-buildings.ts';
import { listCourseSections } from './list-course-sections.ts';
import { listCourses } from './list-courses.ts';
import { listGradingPeriods } from './list-grading-periods.ts';
import { listRoles } from './list-roles.ts';
import { listSchools } from './list-schools.ts';
import { listSectionEnrollments } from './list-section-enrollments.ts';
import type { SchoologyClient, SchoologyClientOptions } from './types.ts';
import { updateSection } from './update-section.ts';
import { upsertCourses } from './upsert-courses.ts';
import { upsertUsers } from './upsert-users.ts';

/** Throws SCHOOLOGY_PLAINTEXT_INSECURE at once when PLAINTEXT would go over plain HTTP to a non-loopback host. */
export function createSchoologyClient(options: SchoologyClientOptions): SchoologyClient {
  const api = new SchoologyHttp(options);
  let schoolId: Promise<string> | undefined;

  const districtSchoolId = (): Promise<string> => {
    schoolId ??= listSchools(api).then((schools) => {
      const school = schools[0];
      if (!school) {
        throw new SchoologyError('SCHOOLOGY_NO_SCHOOL', 'The Schoology API user sees no school, so buildings cannot be read or created.', {
          remedy: 'Use the API key of a system administrator of the district.',
        });
      }
      return school.id;
    });
    schoolId.catch(() => {
      schoolId = undefined;
    });
    return schoolId;
  };

  return {
    me: () => getMe(api),
    listSchools: () => listSchools(api),
    listBuildings: async () => listBuildings(api, await districtSchoolId()),
    createBuilding: async (building) => createBuilding(api, await districtSchoolId(), building),
    listGradingPeriods: () => listGradingPeriods(api),
    createGradingPeriod: (period) => createGradingPeriod(api, period),
    listRoles: () => listRoles(api),
    findUsersBySchoolUid: (uids) => findUsersBySchoolUid(api, uids),
    upsertUsers: (users) => upsertUsers(api, users),
    listCourses: (buildingId) => listCourses(api, buildingId),
    upsertCourses: (courses) => upsertCourses(api, courses),
    findSectionsBySchoolCode: (codes) => findSectionsBySchoolCode(api, codes),
    listCourseSections: (courseId) => listCourseSections(api, courseId),
    createSections: (courseId, sections) => createSections(api, courseId, sections),
    updateSection: (sectionId, changes) => updateSection(api, sectionId, changes),
    listSectionEnrollments: (sectionId) => listSectionEnrollments(api, sectionId),
    importEnrollments: (items) => importEnrollments(api, items),
    importParentLinks: (items) => importParentLinks(api, items),
    requestCount: () => api.requestCount(),
    close: () => api.close(),
  };
}
