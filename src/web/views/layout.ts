/** The page shell: landmarks, a skip link, the site bar with the signed-in user's links, one stylesheet. */
import { html, type HtmlValue, type SafeHtml } from '../html.ts';
import type { Viewer } from '../session.ts';

export interface PageFrame {
  viewer: Viewer | null;
  /** The session's CSRF token, for the sign-out form. */
  csrfToken: string | null;
  /** The path of the nav entry to mark as current. */
  current?: string;
}

export function layout(frame: PageFrame, title: string, body: HtmlValue): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · gradebridge</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
    <a class="name" href="/">gradebridge</a>
    ${navigation(frame)}
  </div>
</header>
<main id="main">
${body}
</main>
<footer class="site">gradebridge moves final grades from Schoology to Infinite Campus.</footer>
</body>
</html>
`;
}

function navigation(frame: PageFrame): HtmlValue {
  const viewer = frame.viewer;
  if (!viewer) return null;
  const links: [string, string][] = [];
  if (viewer.isTeacher) links.push(['/teacher', 'My sections']);
  if (viewer.isAdmin) links.push(['/admin', 'Overview'], ['/runs', 'Runs'], ['/settings', 'Settings']);
  return html`<nav aria-label="Main">
      <ul>${links.map(([href, label]) => html`<li><a href="${href}"${frame.current === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
    </nav>
    <div class="who">
      <span>${viewer.email}</span>
      <form class="inline" method="post" action="/sign-out">
        <input type="hidden" name="_csrf" value="${frame.csrfToken ?? ''}">
        <button type="submit">Sign out</button>
      </form>
    </div>`;
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
