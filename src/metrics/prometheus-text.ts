/**
 * The Prometheus text exposition format (version 0.0.4), for the few metric kinds gradebridge has.
 *
 * @example
 *   renderFamily({ name: 'gradebridge_runs_total', help: 'Runs.', type: 'counter', samples: [{ labels: { pipeline: 'grades' }, value: 3 }] })
 *   // # HELP gradebridge_runs_total Runs.\n# TYPE gradebridge_runs_total counter\ngradebridge_runs_total{pipeline="grades"} 3\n
 */
export type Labels = Record<string, string>;

export interface Sample {
  /** Appended to the family name (`_bucket`, `_sum`, `_count`). */
  suffix?: string;
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
}

export const contentType = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

export function renderFamily(family: MetricFamily): string {
  const lines = [`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) lines.push(`${family.name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
  return `${lines.join('\n')}\n`;
}
