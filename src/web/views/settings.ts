/** The settings page: what the running service uses, secrets shown only as where they come from. */
import { html, type SafeHtml } from '../html.ts';
import type { SettingsGroup } from '../settings-view.ts';

export function settingsPage(groups: readonly SettingsGroup[], configFile: string | null): SafeHtml {
  return html`<h1>Settings in effect</h1>
<p class="lead">${configFile ? html`From <span class="mono">${configFile}</span>. ` : ''}Secrets are never shown: only where they are read from. To change a setting, edit the config file and restart gradebridge.</p>
${groups.map(
  (group) => html`<section aria-labelledby="settings-${group.key}">
  <h2 id="settings-${group.key}">${group.title}</h2>
  ${group.rows === null
    ? html`<p class="hint">Not configured.</p>`
    : html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Setting</th><th scope="col">Value</th></tr></thead>
    <tbody>${group.rows.map((row) => html`<tr><th scope="row" class="mono">${row.key}</th><td class="mono">${row.value}</td></tr>`)}</tbody>
  </table></div>`}
</section>`,
)}`;
}
