/**
 * Where each IC service lives, per connection mode (infinite-campus-api.md "Connection modes").
 * The admin pastes the base URL; the service paths are fixed by OneRoster.
 */
import type { InfiniteCampusConfig } from '../config/schema.ts';

export type IcApiMode = InfiniteCampusConfig['api'];
export type IcService = 'rostering' | 'gradebook';

const servicePaths: Record<IcApiMode, Record<IcService, string>> = {
  'oneroster-1.2': { rostering: '/ims/oneroster/rostering/v1p2', gradebook: '/ims/oneroster/gradebook/v1p2' },
  'oneroster-1.1': { rostering: '/ims/oneroster/v1p1', gradebook: '/ims/oneroster/v1p1' },
  'legacy-learningdata': { rostering: '/learningdata/v1', gradebook: '/learningdata/v1' },
};

export function serviceBaseUrl(baseUrl: string, mode: IcApiMode, service: IcService): string {
  return baseUrl.replace(/\/+$/, '') + servicePaths[mode][service];
}

/** A service-relative path with every interpolated ID percent-encoded: icPath`/classes/${id}/lineItems`. */
export function icPath(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((path, part, i) => path + encodeURIComponent(ids[i - 1] ?? '') + part);
}
