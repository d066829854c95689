/** Student enrollments as the class -> students lookup `RosterMappingData` holds (the store's roster read builds it in production). */
export function groupStudentsByClass(enrollments: Iterable<{ classSourcedId: string; userSourcedId: string }>): Map<string, Set<string>> {
  const byClass = new Map<string, Set<string>>();
  for (const e of enrollments) {
    const students = byClass.get(e.classSourcedId);
    if (students) students.add(e.userSourcedId);
    else byClass.set(e.classSourcedId, new Set([e.userSourcedId]));
  }
  return byClass;
}
