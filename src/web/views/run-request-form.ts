/**
 * The "request a run" form (POST /runs). The preview (dry run) is the first, default button: the
 * admin sees what a run would do before anything is sent; the run page of a preview then offers
 * the same run for real.
 */
import { html, type SafeHtml } from '../html.ts';
import type { RosterSchoolRow } from '../../store/tables.ts';
import { csrfField } from './layout.ts';

export function runRequestForm(csrfToken: string, schools: readonly RosterSchoolRow[], enabled: { grades: boolean; roster: boolean }): SafeHtml {
  if (!enabled.grades && !enabled.roster) return html`<p class="hint">No pipeline is configured.</p>`;
  return html`<form method="post" action="/runs" class="card" aria-labelledby="request-run">
  <h2 id="request-run">Request a run</h2>
  ${csrfField(csrfToken)}
  <fieldset>
    <legend>Pipeline</legend>
    ${enabled.grades ? html`<div class="check"><input type="radio" id="pipeline-grades" name="pipeline" value="grades" checked> <label for="pipeline-grades">Grade passback (Schoology → Infinite Campus)</label></div>` : ''}
    ${enabled.roster ? html`<div class="check"><input type="radio" id="pipeline-roster" name="pipeline" value="roster"${enabled.grades ? '' : ' checked'}> <label for="pipeline-roster">Roster (Infinite Campus → Schoology)</label></div>` : ''}
  </fieldset>
  ${enabled.grades
    ? html`<div class="check"><input type="checkbox" id="full" name="full" value="on"> <label for="full">Full run: send every grade again, not only the ones that changed</label></div>
  <fieldset>
    <legend>Limit a full grade run to <span class="hint">(optional, one of these)</span></legend>
    <div class="filters">
      <div><label for="school">School</label>
        <select id="school" name="school"><option value="">All schools</option>${schools.map((s) => html`<option value="${s.sourced_id}">${s.name}</option>`)}</select></div>
      <div><label for="section">Section school code</label><input type="text" id="section" name="section" autocomplete="off"></div>
      <div><label for="teacher">Teacher email</label><input type="email" id="teacher" name="teacher" autocomplete="off"></div>
    </div>
  </fieldset>`
    : ''}
  <div class="actions">
    <button type="submit" name="dryRun" value="on">Preview (dry run)</button>
    <button type="submit" name="dryRun" value="off" class="secondary">Run now</button>
  </div>
  <p class="hint">A preview reads and plans everything and sends nothing. Runs are queued and never overlap.</p>
</form>`;
}

/** The same run again, for real, from a preview's page. */
export function runForRealForm(csrfToken: string, run: { pipeline: string; full: boolean; scope: { school?: string; section?: string; teacher?: string } | null }): SafeHtml {
  return html`<form method="post" action="/runs" class="card">
  ${csrfField(csrfToken)}
  <input type="hidden" name="pipeline" value="${run.pipeline}">
  ${run.full ? html`<input type="hidden" name="full" value="on">` : ''}
  ${run.scope?.school ? html`<input type="hidden" name="school" value="${run.scope.school}">` : ''}
  ${run.scope?.section ? html`<input type="hidden" name="section" value="${run.scope.section}">` : ''}
  ${run.scope?.teacher ? html`<input type="hidden" name="teacher" value="${run.scope.teacher}">` : ''}
  <input type="hidden" name="dryRun" value="off">
  <p>This was a preview: nothing was sent.</p>
  <button type="submit">Run it for real</button>
</form>`;
}
