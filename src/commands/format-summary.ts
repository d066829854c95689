/** The human-readable run summary printed by `run` and `runs show`. */
import type { RunSummary } from '../../pipelines/run-summary.ts';

export function formatRunSummary(summary: RunSummary): string {
  const lines = [
    `${summary.pipeline} run ${summary.runId}: ${summary.status}${summary.dryRun ? ' (dry run: nothing was sent)' : ''}${summary.full ? ' (full run)' : ''}`,
    `source file: ${summary.sourceFile ?? 'none'}`,
    `duration: ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  const counts = summary.counts as Record<string, unknown>;
  for (const [key, value] of Object.entries(counts)) {
    if (value !== null && typeof value === 'object') {
      const inner = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => typeof v !== 'object' || (v !== null && Object.keys(v).length > 0))
        .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(', ');
      lines.push(`${key}: ${inner || 'none'}`);
    } else {
      lines.push(`${key}: ${String(value)}`);
    }
  }
  if (summary.error) lines.push(`error ${summary.error.code}: ${summary.error.message}`);
  return lines.join('\n');
}
