/** Small display helpers: district-time dates, durations, status and outcome badges, counts. */
import { DateTime } from 'luxon';
import { html, type SafeHtml } from '../html.ts';

/** An instant in the district's time zone, e.g. "Dec 2, 2026, 4:30 AM CST". */
export function formatDateTime(iso: string | Date | null, timezone: string): string {
  if (iso === null) return '—';
  const instant = typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso);
  if (!instant.isValid) return String(iso);
  return instant.setZone(timezone).toFormat('LLL d, yyyy, h:mm a ZZZZ');
}

export function timeElement(iso: string | Date | null, timezone: string): SafeHtml {
  if (iso === null) return html`—`;
  const text = typeof iso === 'string' ? iso : iso.toISOString();
  return html`<time datetime="${text}">${formatDateTime(text, timezone)}</time>`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

const statusTone: Record<string, string> = { succeeded: 'ok', partial: 'warn', failed: 'bad', running: '', queued: '' };

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${statusTone[status] ?? ''}">${status}</span>`;
}

export function outcomeTone(outcome: string): string {
  if (['posted', 'created', 'updated', 'deleted', 'done'].includes(outcome)) return 'ok';
  if (outcome === 'failed') return 'bad';
  if (['unchanged', 'planned', 'rows'].includes(outcome)) return '';
  return 'warn';
}

export function outcomeBadge(outcome: string, count?: number): SafeHtml {
  return html`<span class="badge ${outcomeTone(outcome)}">${outcome}${count === undefined ? '' : html`: ${count}`}</span>`;
}

/** Numbers from a run's counts as label/value pairs (grades: posted, unchanged, ...; roster: per kind summed). */
export function countEntries(counts: Record<string, unknown>): [string, number][] {
  const entries: [string, number][] = [];
  const skipped = counts['skipped'];
  if (typeof counts['posted'] === 'number' || typeof counts['planned'] === 'number') {
    for (const key of ['rows', 'planned', 'posted', 'unchanged', 'failed'] as const) {
      const value = counts[key];
      if (typeof value === 'number') entries.push([key, value]);
    }
    if (skipped && typeof skipped === 'object') {
      const total = Object.values(skipped).reduce((sum: number, n) => sum + (typeof n === 'number' ? n : 0), 0);
      entries.push(['skipped', total]);
    }
    return entries;
  }
  const totals = new Map<string, number>();
  for (const value of Object.values(counts)) {
    if (!value || typeof value !== 'object') continue;
    for (const [key, n] of Object.entries(value)) if (typeof n === 'number') totals.set(key, (totals.get(key) ?? 0) + n);
  }
  return [...totals];
}

/** Skip reasons with their counts, from a grade run's `counts.skipped`. */
export function skipEntries(counts: Record<string, unknown>): [string, number][] {
  const skipped = counts['skipped'];
  if (!skipped || typeof skipped !== 'object') return [];
  return Object.entries(skipped).flatMap(([reason, n]) => (typeof n === 'number' && n > 0 ? [[reason, n] as [string, number]] : []));
}
