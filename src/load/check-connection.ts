/**
 * `gradebridge check` for IC: obtain a token (OAuth 2 modes), read one class from rostering, and,
 * when vendor credentials are configured, that class's line items from the gradebook. Each step
 * throws the InfiniteCampusError that names what is wrong.
 */
import type { IcAuthorizer } from './ic-auth.ts';
import type { IcConnection } from './ic-connection.ts';
import { readPages } from './ic-read.ts';
import { IcClass, IcLineItem } from './ic-schemas.ts';
import { icPath } from './ic-urls.ts';

export interface IcConnectionReport {
  tokenObtained: boolean;
  /** A class was read (false: IC answered, with no classes). */
  classFound: boolean;
  /** The gradebook answered with the vendor header (false: no vendor credentials, or no class to ask about). */
  gradebookChecked: boolean;
}

async function firstPage<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const first = await pages.next();
  await pages.return(undefined);
  return first.done ? [] : first.value;
}

export async function checkConnection(connection: IcConnection, auth: IcAuthorizer): Promise<IcConnectionReport> {
  await auth.verify();
  const [someClass] = await firstPage(readPages(connection, 'rostering', '/classes', 'classes', IcClass, 1));
  let gradebookChecked = false;
  if (someClass && connection.hasVendorCredentials) {
    await firstPage(readPages(connection, 'gradebook', icPath`/classes/${someClass.sourcedId}/lineItems`, 'lineItems', IcLineItem, 1));
    gradebookChecked = true;
  }
  return { tokenObtained: auth.scheme === 'oauth2', classFound: someClass !== undefined, gradebookChecked };
}
