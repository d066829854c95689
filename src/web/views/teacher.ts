/**
 * The teacher view: sections by term, each a card with its opt-in switch (a plain form: works
 * without JavaScript), grading windows, and the last grade run's result per student. `readOnly`
 * (the admin's view as a teacher) renders the same page with no forms.
 */
import { skipReasonHelp, GradeSkipReason } from '../../types.ts';
import { html, type HtmlValue, type SafeHtml } from '../html.ts';
import type { SectionView, TeacherView } from '../teacher-view.ts';
import type { LineItemWindow } from '../section-windows.ts';
import { csrfField } from './layout.ts';
import { formatDateTime, outcomeBadge, statusBadge, timeElement } from './format.ts';

export interface TeacherPageOptions {
  timezone: string;
  /** Absent: read-only (no forms). */
  csrfToken?: string;
  heading: string;
}

export function teacherPage(view: TeacherView, options: TeacherPageOptions): SafeHtml {
  const editable = options.csrfToken !== undefined;
  const sectionCount = view.groups.reduce((n, g) => n + g.sections.length, 0);
  const notOptedIn = view.groups.flatMap((g) => g.sections).filter((s) => !s.optedIn).length;
  return html`<h1>${options.heading}</h1>
${!editable ? html`<p class="banner info">Read-only: this is what ${view.email} sees. Nothing here can be changed from this page.</p>` : ''}
${intro(view, sectionCount, options.timezone)}
${view.mustOptIn && editable && notOptedIn > 0
  ? html`<form method="post" action="/teacher/opt-in-all" class="card">
  ${csrfField(options.csrfToken ?? '')}
  <input type="hidden" name="optIn" value="on">
  <p>${notOptedIn} of your ${sectionCount} sections ${notOptedIn === 1 ? 'is' : 'are'} not opted in.</p>
  <button type="submit">Opt in all my sections</button>
</form>`
  : ''}
${view.groups.map(
  (group) => html`<section aria-labelledby="term-${slug(group.label)}">
  <h2 id="term-${slug(group.label)}">${group.label}${group.dates ? html` <span class="hint">(${group.dates})</span>` : ''}</h2>
  ${group.sections.map((s) => sectionCard(s, view, options))}
</section>`,
)}`;
}

function intro(view: TeacherView, sectionCount: number, timezone: string): HtmlValue {
  if (sectionCount === 0) return html`<p class="banner info">The roster lists no sections for ${view.email}. If that is wrong, ask the district IT administrator.</p>`;
  const run = view.lastRun;
  return html`<p class="lead">${view.mustOptIn
    ? 'Final grades pass from Schoology to Infinite Campus only for the sections you opt in.'
    : 'Final grades of all your sections pass from Schoology to Infinite Campus.'}
${run
  ? html`Last grade run: ${timeElement(run.startedAt, timezone)} ${statusBadge(run.status)}.`
  : 'No grade run has happened yet.'}</p>`;
}

function sectionCard(s: SectionView, view: TeacherView, options: TeacherPageOptions): SafeHtml {
  const section = s.section;
  const name = section.courseTitle && section.courseTitle !== section.title ? `${section.courseTitle} — ${section.title}` : section.title;
  const headingId = `section-${slug(section.sectionSchoolCode)}`;
  return html`<article class="card" aria-labelledby="${headingId}">
  <h3 id="${headingId}">${name}</h3>
  <p class="meta">${section.classCode ? html`Section ${section.classCode} · ` : ''}${s.schoolName} · ${section.students} ${section.students === 1 ? 'student' : 'students'} · <span class="mono">${section.sectionSchoolCode}</span></p>
  ${view.mustOptIn ? optInControl(s, name, options) : ''}
  <div class="columns">
    <div>${windowsBlock(s, view.termTitles, options.timezone)}</div>
    <div>${lastRunSummary(s, view)}</div>
  </div>
  ${studentDetail(s)}
</article>`;
}

function optInControl(s: SectionView, name: string, options: TeacherPageOptions): SafeHtml {
  const state = s.optedIn ? html`<span class="badge ok">Opted in</span>` : html`<span class="badge warn">Not opted in</span>`;
  const changed = s.optInChange ? html`<span class="hint">changed ${formatDateTime(s.optInChange.at, options.timezone)}${s.optInChange.by ? ` by ${s.optInChange.by}` : ''}</span>` : '';
  if (options.csrfToken === undefined) return html`<div class="optin">${state} ${changed}</div>`;
  return html`<form class="optin" method="post" action="/teacher/sections/${encodeURIComponent(s.section.sectionSchoolCode)}/opt-in">
  ${csrfField(options.csrfToken)}
  ${state}
  <input type="hidden" name="optIn" value="${s.optedIn ? 'off' : 'on'}">
  <button type="submit" class="${s.optedIn ? 'secondary' : ''}" aria-label="${s.optedIn ? 'Opt out' : 'Opt in'}: ${name}">${s.optedIn ? 'Opt out' : 'Opt in'}</button>
  ${changed}
</form>`;
}

function windowsBlock(s: SectionView, termTitles: ReadonlyMap<string, string>, timezone: string): SafeHtml {
  if (!s.windows.known) return html`<p><strong>Grading window:</strong> <span class="badge">unknown</span> <span class="hint">${s.windows.reason}</span></p>`;
  if (s.windows.items.length === 0) return html`<p><strong>Grading window:</strong> <span class="hint">no grading task of this section is set up for passback in Infinite Campus.</span></p>`;
  return html`<p><strong>Grading windows</strong></p>
<ul class="windows">${s.windows.items.map((item) => html`<li>${windowLine(item, termTitles, timezone)}</li>`)}</ul>`;
}

function windowLine(item: LineItemWindow, termTitles: ReadonlyMap<string, string>, timezone: string): SafeHtml {
  const term = item.termSourcedId ? (termTitles.get(item.termSourcedId) ?? item.termSourcedId) : null;
  const badge = item.open ? html`<span class="badge ok">open</span>` : html`<span class="badge">closed</span>`;
  const change = item.nextChange ? html` · ${item.nextChange.opens ? 'opens' : 'closes'} ${formatDateTime(item.nextChange.at, timezone)}` : '';
  return html`${item.title}${term ? html` <span class="hint">(${term})</span>` : ''} ${badge}${change}`;
}

function lastRunSummary(s: SectionView, view: TeacherView): SafeHtml {
  if (!view.lastRun) return html`<p><strong>Last grade run:</strong> <span class="hint">none yet.</span></p>`;
  if (s.outcomes.length === 0) return html`<p><strong>Last grade run:</strong> <span class="hint">this section had no grades in the export it read.</span></p>`;
  return html`<p><strong>Last grade run</strong></p>
<ul class="counts" aria-label="Last grade run for this section">${s.counts.map(([outcome, n]) => html`<li>${outcomeBadge(outcome, n)}</li>`)}</ul>`;
}

function studentDetail(s: SectionView): HtmlValue {
  if (s.outcomes.length === 0) return null;
  return html`<details>
  <summary>Per-student detail (${s.outcomes.length})</summary>
  <div class="table-wrap"><table>
    <thead><tr><th scope="col">Student</th><th scope="col">Grading period</th><th scope="col" class="num">Task</th><th scope="col" class="num">Score</th><th scope="col">Letter</th><th scope="col">Result</th></tr></thead>
    <tbody>${s.outcomes.map(
      (o) => html`<tr>
      <td>${o.studentName ?? ''}${o.studentName ? html`<br>` : ''}<span class="mono">${o.student}</span></td>
      <td>${o.gradingPeriod ?? '—'}</td>
      <td class="num">${o.taskId ?? '—'}</td>
      <td class="num">${o.score ?? '—'}</td>
      <td>${o.letter ?? ''}</td>
      <td>${outcomeBadge(o.outcome)}${explanation(o.outcome, o.message)}</td>
    </tr>`,
    )}</tbody>
  </table></div>
</details>`;
}

function explanation(outcome: string, message: string | null): HtmlValue {
  const reason = GradeSkipReason.safeParse(outcome);
  const text = message ?? (reason.success ? skipReasonHelp[reason.data] : null);
  return text ? html`<br><span class="hint">${text}</span>` : '';
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}
