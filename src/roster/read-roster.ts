/**
 * Reads the district's roster from IC: schools, academic sessions, users, courses, classes and
 * enrollments, page by page, each in full or as a delta merged into the stored copy of the last
 * read (see read-collection.ts for when each is used). The result is always the complete roster.
 */
import type { Logger } from 'pino';
import { readRosterCollection, type ReadCollectionOptions, type RosterPageSource } from './read-collection.ts';
import { sessionsCollection } from './read-academic-sessions.ts';
import { classesCollection } from './read-classes.ts';
import { coursesCollection } from './read-courses.ts';
import { enrollmentsCollection } from './read-enrollments.ts';
import { schoolsCollection } from './read-schools.ts';
import { usersCollection } from './read-users.ts';
import type { IcRoster } from './roster-types.ts';

export interface ReadRosterResult {
  roster: IcRoster;
  /** Objects IC returned in this run (a delta read returns only what changed). */
  fetched: number;
}

export async function readIcRoster(source: RosterPageSource, options: ReadCollectionOptions & { logger: Logger }): Promise<ReadRosterResult> {
  const { logger, ...readOptions } = options;
  let fetched = 0;
  const read = async <R>(what: Promise<{ records: R[]; mode: string; fetched: number }>, name: string): Promise<R[]> => {
    const result = await what;
    fetched += result.fetched;
    logger.info({ collection: name, mode: result.mode, fetched: result.fetched, objects: result.records.length }, 'IC collection read');
    return result.records;
  };
  const roster: IcRoster = {
    schools: await read(readRosterCollection(source, schoolsCollection, readOptions), 'schools'),
    sessions: await read(readRosterCollection(source, sessionsCollection, readOptions), 'academicSessions'),
    users: await read(readRosterCollection(source, usersCollection, readOptions), 'users'),
    courses: await read(readRosterCollection(source, coursesCollection, readOptions), 'courses'),
    classes: await read(readRosterCollection(source, classesCollection, readOptions), 'classes'),
    enrollments: await read(readRosterCollection(source, enrollmentsCollection, readOptions), 'enrollments'),
  };
  return { roster, fetched };
}
