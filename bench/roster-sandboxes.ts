/**
 * The sandboxes of the roster benchmark, in their own process (so the benchmark's RSS is
 * gradebridge's alone and the sandboxes work on the other core): the IC sandbox serving a generated
 * district, and an empty Schoology sandbox with a generous rate limit. Talks to bench/roster.ts over
 * the IPC channel: announces its addresses, answers `requests` with a summary of Schoology's log.
 */
import { generateDistrict, type BenchDistrictSize } from './generate-district.ts';
import { IcDataset } from '../sandbox/ic/dataset.ts';
import { startIcSandbox } from '../sandbox/ic/server.ts';
import { startSchoologySandbox } from '../sandbox/schoology/server.ts';

export interface SandboxesReady {
  kind: 'ready';
  ic: { baseUrl: string; tokenUrl: string; clientId: string; clientSecret: string };
  schoology: { url: string; consumerKey: string; consumerSecret: string };
  district: { users: number; sections: number; enrollments: number; sectionCallBound: number };
}

export interface RequestSummary {
  kind: 'requests';
  /** Bulk POSTs per endpoint pattern: calls and items. */
  bulk: Record<string, { calls: number; items: number; largest: number }>;
  reads: number;
  writes: number;
  status429: number;
  /** CPU seconds this process (both sandboxes) used since the last summary. */
  cpuSeconds: number;
}

const size: BenchDistrictSize = JSON.parse(process.argv[2] ?? '{}') as BenchDistrictSize;
const district = generateDistrict(size);
const dataset = IcDataset.parse(district.dataset);
const ic = await startIcSandbox({ dataset });
const sgy = await startSchoologySandbox({ rateLimit: { requests: 1_000_000, perSeconds: 1 } });

/** Sections are created per course: the bound is the sum over courses of ceil(sections of the course / 50). */
function sectionCallBound(): number {
  const perCourse = new Map<string, number>();
  for (const c of dataset.classes) perCourse.set(c.course, (perCourse.get(c.course) ?? 0) + 1);
  return [...perCourse.values()].reduce((sum, n) => sum + Math.ceil(n / 50), 0);
}

const ready: SandboxesReady = {
  kind: 'ready',
  ic: { baseUrl: ic.baseUrl('oneroster-1.2'), tokenUrl: ic.tokenUrl, clientId: ic.credentials.clientId, clientSecret: ic.credentials.clientSecret },
  schoology: { url: sgy.url, consumerKey: sgy.consumerKey, consumerSecret: sgy.consumerSecret },
  district: { users: dataset.users.length, sections: dataset.classes.length, enrollments: dataset.enrollments.length, sectionCallBound: sectionCallBound() },
};
process.send?.(ready);

const bulkKind = (path: string): string | null => {
  if (path === '/v1/users') return 'users';
  if (path === '/v1/courses') return 'courses';
  if (/^\/v1\/courses\/[^/]+\/sections$/.test(path)) return 'sections';
  if (path === '/v1/enrollments/import/course') return 'enrollments';
  if (path === '/v1/users/import/associations/parents') return 'parentLinks';
  return null;
};

let cpu = process.cpuUsage();
process.on('message', (message: { kind: string }) => {
  if (message.kind === 'requests') {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const summary: RequestSummary = { kind: 'requests', bulk: {}, reads: 0, writes: 0, status429: 0, cpuSeconds: (used.user + used.system) / 1e6 };
    for (const r of sgy.requests()) {
      if (r.status === 429) summary.status429 += 1;
      if (r.method === 'GET') summary.reads += 1;
      else summary.writes += 1;
      const kind = r.method === 'POST' ? bulkKind(r.path) : null;
      if (!kind || r.items === undefined) continue;
      const entry = (summary.bulk[kind] ??= { calls: 0, items: 0, largest: 0 });
      entry.calls += 1;
      entry.items += r.items;
      entry.largest = Math.max(entry.largest, r.items);
    }
    sgy.resetRequestLog();
    process.send?.(summary);
  }
  if (message.kind === 'close') {
    void Promise.all([ic.close(), sgy.close()]).then(() => process.exit(0));
  }
});
