import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.ts';
import { readSourceObjects, replaceSourceObjects, upsertSourceObjects } from '../../src/store/roster-source-objects.ts';
import {
  forgetMadeEnrollments,
  forgetMadeParentLinks,
  readMadeEnrollments,
  readMadeParentLinks,
  recordMadeEnrollments,
  recordMadeParentLinks,
} from '../../src/store/schoology-enrollments.ts';
import { openFreshStore, storeKinds } from '../helpers/stores.ts';

describe.each(storeKinds)('roster store tables on %s', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('records the enrollments gradebridge made, replaces a re-imported admin flag, and forgets removed ones in bulk', async () => {
    store = await openFreshStore(kind);
    const at = new Date('2026-12-02T15:00:00Z');
    const made = Array.from({ length: 1203 }, (_, i) => ({ sectionSchoolCode: `cls-${i % 7}`, schoolUid: `stu-${i}`, admin: i % 100 === 0, adopted: i === 1 }));
    await recordMadeEnrollments(store, 'run-1', made, at);
    await recordMadeEnrollments(store, 'run-2', [{ sectionSchoolCode: 'cls-1', schoolUid: 'stu-1', admin: true, adopted: false }], at);
    const read = await readMadeEnrollments(store);
    expect(read).toHaveLength(1203);
    expect(read.find((e) => e.schoolUid === 'stu-1')).toEqual({ sectionSchoolCode: 'cls-1', schoolUid: 'stu-1', admin: true, adopted: true });
    expect(read.find((e) => e.schoolUid === 'stu-2')?.adopted).toBe(false);
    await forgetMadeEnrollments(store, made.slice(0, 600).map(({ sectionSchoolCode, schoolUid }) => ({ sectionSchoolCode, schoolUid })));
    const left = await readMadeEnrollments(store);
    expect(left).toHaveLength(603);
    expect(left.some((e) => e.schoolUid === 'stu-0')).toBe(false);
  });

  it('records and forgets parent links', async () => {
    store = await openFreshStore(kind);
    const at = new Date('2026-12-02T15:00:00Z');
    await recordMadeParentLinks(store, 'run-1', [{ parentUid: 'g1', studentUid: 's1' }, { parentUid: 'g1', studentUid: 's2' }], at);
    await recordMadeParentLinks(store, 'run-2', [{ parentUid: 'g1', studentUid: 's1' }], at);
    await forgetMadeParentLinks(store, [{ parentUid: 'g1', studentUid: 's2' }]);
    expect(await readMadeParentLinks(store)).toEqual([{ parentUid: 'g1', studentUid: 's1' }]);
  });

  it('keeps the stored copy of a collection: replaced by a full read, merged by a delta', async () => {
    store = await openFreshStore(kind);
    await replaceSourceObjects(store, 'users', Array.from({ length: 700 }, (_, i) => ({ sourcedId: `u${i}`, data: `{"n":${i}}` })));
    await replaceSourceObjects(store, 'classes', [{ sourcedId: 'c1', data: '{}' }]);
    await upsertSourceObjects(store, 'users', [
      { sourcedId: 'u1', data: '{"n":"changed"}' },
      { sourcedId: 'u-new', data: '{"n":"new"}' },
    ]);
    const users = await readSourceObjects(store, 'users');
    expect(users).toHaveLength(701);
    expect(users.find((u) => u.sourcedId === 'u1')?.data).toBe('{"n":"changed"}');
    await replaceSourceObjects(store, 'users', [{ sourcedId: 'only', data: '{}' }]);
    expect(await readSourceObjects(store, 'users')).toEqual([{ sourcedId: 'only', data: '{}' }]);
    expect(await readSourceObjects(store, 'classes')).toHaveLength(1);
  });
});
