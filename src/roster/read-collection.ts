/**
 * Reads one OneRoster collection page by page into compact records, in full or as a delta.
 *
 * Delta reads (`dateLastModified>'<watermark>'`) are used only for collections where a missed
 * removal cannot cause a wrong write (users, courses, classes: gradebridge never deletes those in
 * Schoology), and the changed objects are merged into the stored copy of the last read, so the run
 * still sees the complete roster. A full read happens on the first run, on a full run, when the IC
 * connection changed, when IC sent an object without `dateLastModified`, and at least every
 * `fullReadEveryDays` days (catching objects IC dropped without a `tobedeleted` mark).
 */
import { z } from 'zod';
import { readState, writeState } from '../store/key-value.ts';
import type { Store } from '../store/open-store.ts';
import { readSourceObjects, replaceSourceObjects, upsertSourceObjects } from '../store/roster-source-objects.ts';

export interface RosterCollection<Ic extends { sourcedId: string; dateLastModified?: string | undefined }, R extends { sourcedId: string }> {
  /** The collection's name: the key of its stored copy and watermark. */
  name: string;
  path: string;
  envelopeKey: string;
  schema: z.ZodType<Ic>;
  /** The compact record, validated again when read back from the store. */
  record: z.ZodType<R>;
  /** Whether delta reads are safe for this collection. */
  delta: boolean;
  /** The record kept, or null for an object that is not ours (an org that is not a school). */
  toRecord(ic: Ic): R | null;
}

/** The part of the IC client the roster reads through. */
export interface RosterPageSource {
  readPages<T>(service: 'rostering', path: string, envelopeKey: string, schema: z.ZodType<T>, options?: { filter?: string }): AsyncIterable<T[]>;
}

export interface ReadCollectionOptions {
  store: Store;
  /** Read everything, whatever the stored state says. */
  full: boolean;
  now: Date;
  /** Identifies the IC connection (mode and base URL): a different one forces a full read. */
  source: string;
  /** Store the copy and the watermark (false on a dry run). */
  persist: boolean;
}

export interface CollectionRead<R> {
  records: R[];
  mode: 'full' | 'delta';
  /** Objects IC returned in this read. */
  fetched: number;
}

export const fullReadEveryDays = 7;
/** Delta reads start this much before the watermark, for objects IC stamped while the last read was paging. */
export const deltaOverlapMs = 60 * 60 * 1000;

/** Kept per collection in the store's key-value state. */
const DeltaReadState = z.object({
  /** The IC connection the copy came from. */
  source: z.string(),
  /** The latest `dateLastModified` seen (IC's clock), or null when a delta read cannot be trusted. */
  watermark: z.string().nullable(),
  fullReadAt: z.string(),
});
type DeltaReadState = z.infer<typeof DeltaReadState>;

const stateKey = (name: string) => `roster.read.${name}`;

function latest(current: number | null, value: string | undefined): number | null {
  const time = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? null : current === null ? time : Math.max(current, time);
}

export async function readRosterCollection<Ic extends { sourcedId: string; dateLastModified?: string | undefined }, R extends { sourcedId: string }>(
  source: RosterPageSource,
  collection: RosterCollection<Ic, R>,
  options: ReadCollectionOptions,
): Promise<CollectionRead<R>> {
  const state = collection.delta ? DeltaReadState.safeParse(JSON.parse((await readState(options.store, stateKey(collection.name))) ?? 'null')) : null;
  const usable =
    state?.success &&
    !options.full &&
    state.data.source === options.source &&
    state.data.watermark !== null &&
    options.now.getTime() - Date.parse(state.data.fullReadAt) < fullReadEveryDays * 86_400_000
      ? state.data
      : null;
  const stored = usable ? await readStoredCopy(collection, options.store) : null;

  if (usable?.watermark && stored) {
    const since = new Date(Date.parse(usable.watermark) - deltaOverlapMs).toISOString();
    const changed = await readAll(source, collection, `dateLastModified>'${since}'`);
    for (const record of changed.records) stored.set(record.sourcedId, record);
    if (options.persist) {
      await upsertSourceObjects(options.store, collection.name, changed.records.map((r) => ({ sourcedId: r.sourcedId, data: JSON.stringify(r) })));
      // Nothing changed keeps the watermark; an object without a date makes the next read a full one.
      const watermark = changed.complete ? Math.max(changed.watermark ?? 0, Date.parse(usable.watermark)) : null;
      await writeState(options.store, stateKey(collection.name), JSON.stringify({ ...usable, watermark: watermark === null ? null : new Date(watermark).toISOString() }));
    }
    return { records: [...stored.values()], mode: 'delta', fetched: changed.fetched };
  }

  const all = await readAll(source, collection, undefined);
  if (options.persist && collection.delta) {
    await replaceSourceObjects(options.store, collection.name, all.records.map((r) => ({ sourcedId: r.sourcedId, data: JSON.stringify(r) })));
    const watermark = all.complete && all.watermark !== null ? new Date(all.watermark).toISOString() : null;
    const next: DeltaReadState = { source: options.source, watermark, fullReadAt: options.now.toISOString() };
    await writeState(options.store, stateKey(collection.name), JSON.stringify(next));
  }
  return { records: all.records, mode: 'full', fetched: all.fetched };
}

async function readAll<Ic extends { sourcedId: string; dateLastModified?: string | undefined }, R extends { sourcedId: string }>(
  source: RosterPageSource,
  collection: RosterCollection<Ic, R>,
  filter: string | undefined,
): Promise<{ records: R[]; fetched: number; watermark: number | null; complete: boolean }> {
  const records: R[] = [];
  let fetched = 0;
  let watermark: number | null = null;
  // A watermark is only trusted when every object carried a date.
  let complete = true;
  const pages = source.readPages('rostering', collection.path, collection.envelopeKey, collection.schema, filter ? { filter } : {});
  for await (const page of pages) {
    for (const item of page) {
      fetched += 1;
      const stamped = latest(watermark, item.dateLastModified);
      if (stamped === null) complete = false;
      else watermark = stamped;
      const record = collection.toRecord(item);
      if (record) records.push(record);
    }
  }
  return { records, fetched, watermark, complete };
}

/** The stored copy, or null when it cannot be trusted (then the caller reads in full). */
async function readStoredCopy<Ic extends { sourcedId: string; dateLastModified?: string | undefined }, R extends { sourcedId: string }>(
  collection: RosterCollection<Ic, R>,
  store: Store,
): Promise<Map<string, R> | null> {
  const copy = new Map<string, R>();
  for (const object of await readSourceObjects(store, collection.name)) {
    const parsed = collection.record.safeParse(JSON.parse(object.data));
    if (!parsed.success) return null;
    copy.set(object.sourcedId, parsed.data);
  }
  return copy;
}
