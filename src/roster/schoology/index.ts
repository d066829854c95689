/** The Schoology client's public surface: roster provisioning imports from here only. */
export { createSchoologyClient } from './client.ts';
export { BULK_LIMIT, LOOKUP_LIMIT } from './schemas.ts';
export type * from './types.ts';
