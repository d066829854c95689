/**
 * The Infinite Campus stand-in: OneRoster 1.2, 1.1 and the legacy learningdata API over HTTP on
 * 127.0.0.1, with IC's auth, validation and faults (infinite-campus-api.md "What the sandbox must do").
 */
import type { IcSandbox, IcSandboxCredentials, IcSandboxOptions } from './types.ts';

export type {
  IcApiMode,
  IcChosenFault,
  IcFaultKind,
  IcFaults,
  IcFaultSettings,
  IcRequestRecord,
  IcSandbox,
  IcSandboxCredentials,
  IcSandboxOptions,
  IcService,
  IcStoredResult,
} from './types.ts';
export type { IcDataset } from './dataset.ts';
export { loadIcDataset, loadDistrictDataset, fixturesDir } from './dataset.ts';

export const defaultIcCredentials: IcSandboxCredentials = {
  clientId: 'InfiniteCampus_demo_client',
  clientSecret: 'InfiniteCampus_demo_secret',
  vendorKey: 'InfiniteCampus_demo_vendor_key',
  vendorSecret: 'InfiniteCampus_demo_vendor_secret',
  consumerKey: 'InfiniteCampus_demo_consumer_key',
  consumerSecret: 'InfiniteCampus_demo_consumer_secret',
};

export async function startIcSandbox(_options: IcSandboxOptions): Promise<IcSandbox> {
  throw new Error('The IC sandbox is being written; the types above are the contract.');
}
