/** One IC class (section) by sourcedId, or null when IC does not know it. */
import type { IcConnection } from './ic-connection.ts';
import { readObject } from './ic-read.ts';
import { IcClass } from './ic-schemas.ts';
import { icPath } from './ic-urls.ts';

export function readClass(connection: IcConnection, classSourcedId: string): Promise<IcClass | null> {
  return readObject(connection, 'rostering', icPath`/classes/${classSourcedId}`, 'class', IcClass);
}
