/**
 * Upserts the planned users by school_uid (`POST /users?update_existing=1`, 50 a call). Optional
 * fields IC no longer has are sent empty on an update, which clears them in Schoology; a new user
 * is sent without them. Every item's answer is checked: a refused user is `failed` with
 * Schoology's message, and what depends on it (its enrollments, parent links) is skipped if the
 * user does not exist in Schoology.
 */
import type { ApplyContext } from './apply-context.ts';
import { applySlice, dependencyFailed, flushLog, outcomeOf, resolveRef } from './apply-context.ts';
import type { PlannedWrite } from './plan-types.ts';
import type { UserFields, UserPlan } from './plan-users.ts';
import type { NewUser } from './schoology/index.ts';

function toNewUser(write: PlannedWrite<UserFields>, building: string, additional: string[]): NewUser {
  const f = write.fields;
  const update = write.action === 'update';
  const optional = (value: string | null) => (value !== null ? value : update ? '' : undefined);
  const user: NewUser = { school_uid: f.schoolUid, name_first: f.nameFirst, name_last: f.nameLast, role_id: f.roleId, building_id: building };
  const preferred = optional(f.nameFirstPreferred);
  const username = optional(f.username);
  const email = optional(f.email);
  if (preferred !== undefined) user.name_first_preferred = preferred;
  if (username !== undefined) user.username = username;
  if (email !== undefined) user.primary_email = email;
  if (additional.length > 0 || update) user.additional_buildings = additional;
  return user;
}

export async function applyUsers(ctx: ApplyContext, plan: UserPlan): Promise<void> {
  const ready: Array<{ write: PlannedWrite<UserFields>; user: NewUser }> = [];
  for (const write of plan.writes) {
    const building = resolveRef(ctx.created.buildings, write.fields.building);
    const additional = write.fields.additionalBuildings.map((ref) => resolveRef(ctx.created.buildings, ref));
    if (building === null || additional.includes(null)) {
      dependencyFailed(ctx, 'users', write, 'one of its buildings');
      continue;
    }
    ready.push({ write, user: toNewUser(write, building, additional as string[]) });
  }
  for (let start = 0; start < ready.length; start += applySlice) {
    const slice = ready.slice(start, start + applySlice);
    const results = await ctx.client.upsertUsers(slice.map((r) => r.user));
    for (const result of results) {
      const { write } = slice[result.index]!;
      if (result.ok) {
        ctx.usersInSchoology.add(write.fields.schoolUid);
        ctx.log.wrote('users', write, outcomeOf(write.action));
      } else {
        ctx.log.wrote('users', write, 'failed', result.message ?? `Schoology answered ${result.code}`);
      }
    }
    await flushLog(ctx);
    ctx.onProgress?.({ stage: 'users', done: Math.min(start + applySlice, ready.length), total: ready.length });
  }
  await flushLog(ctx);
}
