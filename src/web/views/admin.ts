/** The admin overview: credential expiry, the last runs of both pipelines, the queue, and where to go next. */
import { html, type HtmlValue, type SafeHtml } from '../html.ts';
import type { Run } from '../../store/runs.ts';
import type { RunRequestRecord } from '../../store/run-requests.ts';
import type { RosterSchoolRow } from '../../store/tables.ts';
import { daysUntil, districtToday } from '../../notify/credential-expiry.ts';
import { countEntries, formatDateTime, formatDuration, statusBadge, timeElement } from './format.ts';
import { runRequestForm } from './run-request-form.ts';

export function credentialBanner(expires: string | undefined, now: Date, timezone: string): HtmlValue {
  if (!expires) return null;
  const days = daysUntil(expires, districtToday(now, timezone));
  if (days < 0) return html`<p class="banner bad" role="alert"><strong>The Infinite Campus credentials expired on ${expires}.</strong> Renew the key and secret in Infinite Campus, update the config, then request a full run.</p>`;
  if (days <= 30)
    return html`<p class="banner warn" role="alert"><strong>The Infinite Campus credentials expire on ${expires}, in ${days} ${days === 1 ? 'day' : 'days'}.</strong> Renew them in Infinite Campus before then and update the config.</p>`;
  return null;
}

function expiryText(expires: string | undefined, now: Date, timezone: string): HtmlValue {
  if (!expires) return 'No expiry date is configured (infiniteCampus.credentialsExpire).';
  const days = daysUntil(expires, districtToday(now, timezone));
  if (days < 0) return html`Expired on <strong>${expires}</strong>.`;
  return html`Expire on <strong>${expires}</strong>, ${days === 0 ? 'today' : `in ${days} ${days === 1 ? 'day' : 'days'}`}.`;
}

export interface AdminOverview {
  now: Date;
  timezone: string;
  credentialsExpire: string | undefined;
  gradeRuns: Run[];
  rosterRuns: Run[];
  queue: RunRequestRecord[];
  schools: RosterSchoolRow[];
  teachers: string[];
  csrfToken: string;
  enabled: { grades: boolean; roster: boolean };
}

export function adminPage(o: AdminOverview): SafeHtml {
  return html`<h1>Overview</h1>
${credentialBanner(o.credentialsExpire, o.now, o.timezone)}
<div class="cards">
  <section class="card" aria-labelledby="creds">
    <h2 id="creds">Infinite Campus credentials</h2>
    <p>${expiryText(o.credentialsExpire, o.now, o.timezone)}</p>
  </section>
  <section class="card" aria-labelledby="links">
    <h2 id="links">Go to</h2>
    <ul>
      <li><a href="/runs">All runs</a>, with per-row results and CSV downloads</li>
      <li><a href="/settings">Settings in effect</a> (secrets masked)</li>
      <li><a href="/grading-tasks.csv">Grading tasks file</a> (CSV), to choose term and overall task IDs</li>
    </ul>
    <form method="get" action="/admin/teachers">
      <label for="view-as">See the page of a teacher</label>
      <input id="view-as" name="email" type="email" list="teacher-emails" autocomplete="off" required>
      <datalist id="teacher-emails">${o.teachers.map((t) => html`<option value="${t}">`)}</datalist>
      <div class="actions"><button type="submit" class="secondary">View as teacher</button></div>
    </form>
  </section>
</div>
${o.queue.length ? queueTable(o.queue, o.timezone) : ''}
${o.enabled.grades ? runTable('Last grade runs', 'grade-runs', o.gradeRuns, o.timezone) : ''}
${o.enabled.roster ? runTable('Last roster runs', 'roster-runs', o.rosterRuns, o.timezone) : ''}
${runRequestForm(o.csrfToken, o.schools, o.enabled)}`;
}

export function runTable(caption: string, id: string, runs: readonly Run[], timezone: string): SafeHtml {
  if (runs.length === 0) return html`<section aria-labelledby="${id}"><h2 id="${id}">${caption}</h2><p class="hint">No runs yet.</p></section>`;
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${caption}</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Started</th><th scope="col">Pipeline</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Kind</th><th scope="col">File</th><th scope="col" class="num">Duration</th><th scope="col">Counts</th></tr></thead>
  <tbody>${runs.map(
    (run) => html`<tr>
    <td><a href="/runs/${run.id}">${formatDateTime(run.startedAt, timezone)}</a></td>
    <td>${run.pipeline}</td>
    <td>${statusBadge(run.status)}${run.error ? html`<br><span class="hint">${run.error.code}</span>` : ''}</td>
    <td>${run.trigger}</td>
    <td>${runKind(run)}</td>
    <td>${run.sourceFile ? html`<span class="mono">${run.sourceFile.remotePath}</span>` : '—'}</td>
    <td class="num">${formatDuration(run.durationMs)}</td>
    <td>${countEntries(run.counts).map(([k, n]) => `${k} ${n}`).join(' · ') || '—'}</td>
  </tr>`,
  )}</tbody>
</table></div>
</section>`;
}

export function runKind(run: { dryRun: boolean; full: boolean; scope: { school?: string; section?: string; teacher?: string } | null }): string {
  const parts = [run.dryRun ? 'preview' : run.full ? 'full' : 'scheduled changes'];
  if (run.scope?.school) parts.push(`school ${run.scope.school}`);
  if (run.scope?.section) parts.push(`section ${run.scope.section}`);
  if (run.scope?.teacher) parts.push(`teacher ${run.scope.teacher}`);
  return parts.join(', ');
}

export function queueTable(queue: readonly RunRequestRecord[], timezone: string, highlight?: string): SafeHtml {
  return html`<section aria-labelledby="queue">
<h2 id="queue">Requested runs</h2>
<div class="table-wrap"><table>
  <thead><tr><th scope="col">Requested</th><th scope="col">Pipeline</th><th scope="col">Kind</th><th scope="col">By</th><th scope="col">State</th><th scope="col">Run</th></tr></thead>
  <tbody>${queue.map(
    (r) => html`<tr${r.id === highlight ? html` class="highlight" aria-current="true"` : ''}>
    <td>${timeElement(r.requestedAt, timezone)}</td>
    <td>${r.pipeline}</td>
    <td>${runKind(r)}</td>
    <td>${r.requestedBy.join(', ')}</td>
    <td>${r.status === 'done' ? statusBadge(r.runStatus ?? 'done') : html`<span class="badge">${r.status}</span>`}</td>
    <td>${r.runId ? html`<a href="/runs/${r.runId}">Open run</a>` : '—'}</td>
  </tr>`,
  )}</tbody>
</table></div>
</section>`;
}
