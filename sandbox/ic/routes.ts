/**
 * Where each IC service lives (infinite-campus-api.md "Connection modes"), and which route a
 * request path names. Users paste `baseUrl(mode)`; the service roots below it are OneRoster's.
 */
import type { IcApiMode, IcService } from './types.ts';

export type ApiService = Exclude<IcService, 'token'>;

export type Route =
  | { kind: 'token' }
  | { kind: 'api'; mode: IcApiMode; service: ApiService; segments: string[] };

export const tokenPath = '/campus/oauth2/token';

export function basePath(mode: IcApiMode, appName: string): string {
  switch (mode) {
    case 'oneroster-1.2':
      return `/campus/api/oneroster/v1p2/${appName}`;
    case 'oneroster-1.1':
      return `/campus/api/oneroster/v1p1/${appName}`;
    case 'legacy-learningdata':
      return `/campus/oneroster/${appName}`;
  }
}

export function servicePath(mode: IcApiMode, appName: string, service: ApiService): string {
  const base = basePath(mode, appName);
  switch (mode) {
    case 'oneroster-1.2':
      return `${base}/ims/oneroster/${service}/v1p2`;
    case 'oneroster-1.1':
      return `${base}/ims/oneroster/v1p1`;
    case 'legacy-learningdata':
      return `${base}/learningdata/v1`;
  }
}

/** Resources of the gradebook service; in the one-service modes they share the root with rostering. */
const gradebookResources = new Set(['lineItems', 'results', 'scoreScales', 'categories']);

export function serviceOfSegments(segments: readonly string[]): ApiService {
  return segments.some((s) => gradebookResources.has(s)) ? 'gradebook' : 'rostering';
}

/** The route of a raw request path, or null when no IC endpoint lives there. */
export function parseRoute(rawPath: string, appName: string): Route | null {
  if (rawPath === tokenPath) return { kind: 'token' };
  const candidates: { mode: IcApiMode; service: ApiService | null; root: string }[] = [
    { mode: 'oneroster-1.2', service: 'rostering', root: servicePath('oneroster-1.2', appName, 'rostering') },
    { mode: 'oneroster-1.2', service: 'gradebook', root: servicePath('oneroster-1.2', appName, 'gradebook') },
    { mode: 'oneroster-1.1', service: null, root: servicePath('oneroster-1.1', appName, 'rostering') },
    { mode: 'legacy-learningdata', service: null, root: servicePath('legacy-learningdata', appName, 'rostering') },
  ];
  for (const { mode, service, root } of candidates) {
    if (!rawPath.startsWith(`${root}/`)) continue;
    const segments = decodeSegments(rawPath.slice(root.length + 1));
    if (segments === null) return null;
    return { kind: 'api', mode, service: service ?? serviceOfSegments(segments), segments };
  }
  return null;
}

function decodeSegments(rest: string): string[] | null {
  try {
    return rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}
