/**
 * The students IC lists in a class (`GET /classes/{id}/students`), with IDs in the product's form.
 * Identity mapping uses it to decide whether a student ID belongs to the class.
 */
import type { IcConnection } from './ic-connection.ts';
import { readCollection } from './ic-read.ts';
import { IcUser } from './ic-schemas.ts';
import { icPath } from './ic-urls.ts';

export function readClassStudents(connection: IcConnection, classSourcedId: string, pageSize: number): Promise<IcUser[]> {
  return readCollection(connection, 'rostering', icPath`/classes/${classSourcedId}/students`, 'users', IcUser, pageSize);
}
