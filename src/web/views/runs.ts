/** The runs list and one run's page: facts, counts with reasons, filters, paged per-row outcomes. */
import { GradeSkipReason, skipReasonHelp } from '../../types.ts';
import { html, queryString, type HtmlValue, type SafeHtml } from '../html.ts';
import type { Run } from '../../store/runs.ts';
import type { RunRequestRecord } from '../../store/run-requests.ts';
import type { OutcomeFacets } from '../../store/status-page-reads.ts';
import type { RosterSchoolRow, RowOutcomeRow } from '../../store/tables.ts';
import { countEntries, formatDateTime, formatDuration, outcomeBadge, skipEntries, statusBadge, timeElement } from './format.ts';
import { queueTable, runKind, runTable } from './admin.ts';
import { runForRealForm, runRequestForm } from './run-request-form.ts';

export interface RunsListPage {
  runs: Run[];
  queue: RunRequestRecord[];
  /** The request just made, to point at. */
  requested: RunRequestRecord | null;
  requestMerged: boolean;
  timezone: string;
  csrfToken: string;
  schools: RosterSchoolRow[];
  enabled: { grades: boolean; roster: boolean };
}

export function runsListPage(p: RunsListPage): SafeHtml {
  return html`<h1>Runs</h1>
${p.requested ? requestedBanner(p.requested, p.requestMerged) : ''}
${p.queue.length ? queueTable(p.queue, p.timezone, p.requested?.id) : ''}
${runTable('Recent runs', 'recent-runs', p.runs, p.timezone)}
${runRequestForm(p.csrfToken, p.schools, p.enabled)}`;
}

function requestedBanner(request: RunRequestRecord, merged: boolean): SafeHtml {
  const what = `${request.dryRun ? 'Preview' : 'Run'} of the ${request.pipeline} pipeline`;
  if (request.runId && request.status === 'done')
    return html`<p class="banner ok" role="status">${what} finished: <a href="/runs/${request.runId}">open the run</a>.</p>`;
  if (request.runId) return html`<p class="banner info" role="status">${what} is running: <a href="/runs/${request.runId}">open the run</a>. Reload this page to follow it.</p>`;
  return html`<p class="banner info" role="status">${what} requested${merged ? ' (merged with one already waiting)' : ''}. It starts as soon as no other ${request.pipeline} run is going; reload this page to follow it.</p>`;
}

export interface RunFilter {
  school?: string;
  section?: string;
  teacher?: string;
  syncType?: string;
  outcome?: string;
}

export interface RunDetailPage {
  run: Run;
  timezone: string;
  filter: RunFilter;
  page: number;
  pageSize: number;
  total: number;
  rows: RowOutcomeRow[];
  facets: OutcomeFacets;
  schoolNames: Map<string, string>;
  csrfToken: string;
}

export function runDetailPage(p: RunDetailPage): SafeHtml {
  const { run } = p;
  const title = `${run.pipeline === 'grades' ? 'Grade' : 'Roster'} ${run.dryRun ? 'preview' : 'run'} of ${formatDateTime(run.startedAt, p.timezone)}`;
  return html`<p><a href="/runs">← All runs</a></p>
<h1>${title}</h1>
${run.error ? html`<div class="banner bad" role="alert"><strong>${run.error.code}</strong>: ${run.error.message}</div>` : ''}
${run.dryRun && run.status !== 'running' && run.status !== 'failed' ? runForRealForm(p.csrfToken, run) : ''}
<div class="columns wide-right">
  <section class="card" aria-labelledby="facts"><h2 id="facts">Run</h2>${facts(run, p.timezone)}</section>
  <section class="card" aria-labelledby="counts"><h2 id="counts">Counts</h2>${counts(run)}</section>
</div>
${filterForm(p)}
${outcomeTable(p)}`;
}

function facts(run: Run, timezone: string): SafeHtml {
  return html`<dl class="facts">
  <dt>Status</dt><dd>${statusBadge(run.status)}</dd>
  <dt>Kind</dt><dd>${runKind(run)}</dd>
  <dt>Trigger</dt><dd>${run.trigger}</dd>
  <dt>Started</dt><dd>${timeElement(run.startedAt, timezone)}</dd>
  <dt>Finished</dt><dd>${timeElement(run.finishedAt, timezone)}</dd>
  <dt>Duration</dt><dd>${formatDuration(run.durationMs)}</dd>
  ${run.pipeline === 'grades'
    ? html`<dt>File</dt><dd>${run.sourceFile
        ? html`<span class="mono">${run.sourceFile.remotePath}</span><br><span class="hint">${run.sourceFile.size} bytes · SHA-256 <span class="mono">${run.sourceFile.sha256}</span></span>`
        : 'none read'}</dd>`
    : ''}
  <dt>Run ID</dt><dd class="mono">${run.id}</dd>
  ${run.notice ? html`<dt>Notice email</dt><dd>${noticeText(run.notice)}</dd>` : ''}
</dl>`;
}

function noticeText(notice: Record<string, unknown>): string {
  return Object.entries(notice)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
}

function counts(run: Run): SafeHtml {
  const entries = countEntries(run.counts);
  const reasons = skipEntries(run.counts);
  return html`<ul class="counts">${entries.map(([k, n]) => html`<li>${outcomeBadge(k, n)}</li>`)}</ul>
${reasons.length
  ? html`<table><caption>Skipped, by reason</caption>
  <thead><tr><th scope="col">Reason</th><th scope="col" class="num">Rows</th><th scope="col">What it means</th></tr></thead>
  <tbody>${reasons.map(([reason, n]) => {
    const known = GradeSkipReason.safeParse(reason);
    return html`<tr><td><a href="${queryString({ outcome: reason })}">${reason}</a></td><td class="num">${n}</td><td>${known.success ? skipReasonHelp[known.data] : ''}</td></tr>`;
  })}</tbody></table>`
  : ''}`;
}

function select(id: string, label: string, current: string | undefined, options: [string, string][], anyLabel: string): SafeHtml {
  return html`<div><label for="${id}">${label}</label>
  <select id="${id}" name="${id}"><option value="">${anyLabel}</option>${options.map(
    ([value, text]) => html`<option value="${value}"${value === current ? ' selected' : ''}>${text}</option>`,
  )}</select></div>`;
}

function filterForm(p: RunDetailPage): SafeHtml {
  const f = p.filter;
  const schools = [...p.facets.schools].map(([id, n]): [string, string] => [id, `${p.schoolNames.get(id) ?? id} (${n})`]);
  const outcomes = [...p.facets.outcomes].map(([o, n]): [string, string] => [o, `${o} (${n})`]);
  const syncTypes = [...p.facets.syncTypes].map(([t, n]): [string, string] => [t, `${t} (${n})`]);
  return html`<form method="get" action="/runs/${p.run.id}" class="card" aria-labelledby="filter-heading">
  <h2 id="filter-heading">Rows</h2>
  <div class="filters">
    ${select('outcome', 'Outcome', f.outcome, outcomes, 'All outcomes')}
    ${schools.length ? select('school', 'School', f.school, schools, 'All schools') : ''}
    ${syncTypes.length ? select('syncType', 'Sync type', f.syncType, syncTypes, 'All sync types') : ''}
    ${p.run.pipeline === 'grades'
      ? html`<div><label for="section">Section school code</label><input type="text" id="section" name="section" value="${f.section ?? ''}"></div>
    <div><label for="teacher">Teacher email</label><input type="email" id="teacher" name="teacher" value="${f.teacher ?? ''}"></div>`
      : ''}
  </div>
  <div class="actions">
    <button type="submit">Filter</button>
    <a href="/runs/${p.run.id}">Clear filters</a>
    <a href="/runs/${p.run.id}.csv${queryString({ ...f })}">Download these rows as CSV</a>
  </div>
</form>`;
}

function outcomeTable(p: RunDetailPage): HtmlValue {
  if (p.total === 0) return html`<p class="hint">No rows match.</p>`;
  const first = (p.page - 1) * p.pageSize + 1;
  const last = first + p.rows.length - 1;
  const pages = Math.ceil(p.total / p.pageSize);
  const link = (page: number) => `/runs/${p.run.id}${queryString({ ...p.filter, page: page === 1 ? undefined : page })}`;
  const pager = html`<nav class="pager" aria-label="Pages">
  <span>Rows ${first}–${last} of ${p.total}</span>
  ${p.page > 1 ? html`<a href="${link(p.page - 1)}" rel="prev">Previous</a>` : ''}
  ${p.page < pages ? html`<a href="${link(p.page + 1)}" rel="next">Next</a>` : ''}
</nav>`;
  const grades = p.run.pipeline === 'grades';
  return html`${pager}
<div class="table-wrap"><table>
  <thead><tr>${grades
    ? html`<th scope="col" class="num">Line</th><th scope="col">School</th><th scope="col">Section</th><th scope="col">Student</th><th scope="col">Grading period</th><th scope="col" class="num">Task</th><th scope="col" class="num">Score</th><th scope="col">Letter</th>`
    : html`<th scope="col">Sync type</th><th scope="col">School</th><th scope="col">Object</th>`}<th scope="col">Outcome</th><th scope="col">Message</th></tr></thead>
  <tbody>${p.rows.map(
    (r) => html`<tr>${grades
      ? html`<td class="num">${r.line ?? '—'}</td><td>${r.school ? (p.schoolNames.get(r.school) ?? r.school) : '—'}</td><td class="mono">${r.section ?? '—'}</td><td class="mono">${r.student ?? '—'}</td><td>${r.grading_period ?? '—'}</td><td class="num">${r.task_id ?? '—'}</td><td class="num">${r.score ?? '—'}</td><td>${r.letter ?? ''}</td>`
      : html`<td>${r.sync_type ?? '—'}</td><td>${r.school ? (p.schoolNames.get(r.school) ?? r.school) : '—'}</td><td class="mono">${r.object_key ?? '—'}</td>`}
    <td>${outcomeBadge(r.outcome)}</td><td>${r.message ?? ''}</td></tr>`,
  )}</tbody>
</table></div>
${pager}`;
}
