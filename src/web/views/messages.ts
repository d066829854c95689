/** The short pages: sign-in, "check your email", the link's button, and every refusal. */
import { html, type SafeHtml } from '../html.ts';
import { csrfField } from './layout.ts';

export interface Message {
  title: string;
  body: SafeHtml;
}

export function signInPage(csrfToken: string, problem?: { email: string; message: string }): Message {
  return {
    title: 'Sign in',
    body: html`<div class="card narrow">
  <h1>Sign in</h1>
  <p>Teachers and district staff sign in with a link sent by email. No password needed.</p>
  ${problem ? html`<p class="banner bad" role="alert" id="email-problem">${problem.message}</p>` : ''}
  <form method="post" action="/sign-in">
    ${csrfField(csrfToken)}
    <label for="email">Your school email address</label>
    <input id="email" name="email" type="email" autocomplete="email" required value="${problem?.email ?? ''}"${problem ? html` aria-describedby="email-problem"` : ''}>
    <div class="actions"><button type="submit">Email me a sign-in link</button></div>
  </form>
</div>`,
  };
}

/** The one answer to every accepted sign-in request, known address or not. */
export function checkEmailPage(email: string): Message {
  return {
    title: 'Check your email',
    body: html`<div class="card narrow" role="status">
  <h1>Check your email</h1>
  <p>If <strong>${email}</strong> belongs to a teacher or an administrator of this district, a sign-in link is on its way.</p>
  <p>The link works once, for 15 minutes. It can take a minute to arrive; check your spam folder too.</p>
  <p><a href="/">Back to sign-in</a></p>
</div>`,
  };
}

export function useLinkPage(email: string, token: string, csrfToken: string): Message {
  return {
    title: 'Sign in',
    body: html`<div class="card narrow">
  <h1>Sign in</h1>
  <form method="post" action="/sign-in/${token}">
    ${csrfField(csrfToken)}
    <button type="submit">Sign in as ${email}</button>
  </form>
</div>`,
  };
}

export function linkUnusablePage(): Message {
  return {
    title: 'Link no longer valid',
    body: html`<div class="card narrow">
  <h1>This sign-in link no longer works</h1>
  <p>Sign-in links work once and expire after 15 minutes.</p>
  <p><a class="button" href="/">Request a new link</a></p>
</div>`,
  };
}

/** The same page for both limits (per address and per client). */
export function tooManyRequestsPage(): Message {
  return {
    title: 'Too many requests',
    body: html`<div class="card narrow" role="alert">
  <h1>Too many sign-in requests</h1>
  <p>Please wait a while before asking for another link. Links already sent still work for 15 minutes.</p>
  <p><a href="/">Back to sign-in</a></p>
</div>`,
  };
}

export function noAccessPage(email: string): Message {
  return {
    title: 'No access',
    body: html`<div class="card narrow">
  <h1>Nothing to show</h1>
  <p>You are signed in as <strong>${email}</strong>, but this address teaches no section in the roster and is not on the administrators list.</p>
  <p>If that is wrong, ask the district IT administrator.</p>
</div>`,
  };
}

export function forbiddenPage(): Message {
  return {
    title: 'Not allowed',
    body: html`<div class="card narrow" role="alert">
  <h1>You cannot open this page</h1>
  <p>It belongs to another role or another teacher. Nothing was changed.</p>
  <p><a href="/">Go to your page</a></p>
</div>`,
  };
}

export function csrfRefusedPage(): Message {
  return {
    title: 'Form expired',
    body: html`<div class="card narrow" role="alert">
  <h1>This form has expired</h1>
  <p>For your safety, the form was not accepted and nothing was changed. Go back, reload the page and try again.</p>
  <p><a href="/">Go to your page</a></p>
</div>`,
  };
}

export function notFoundPage(): Message {
  return {
    title: 'Not found',
    body: html`<div class="card narrow">
  <h1>Page not found</h1>
  <p><a href="/">Go to your page</a></p>
</div>`,
  };
}

export function badRequestPage(message: string): Message {
  return {
    title: 'Cannot do that',
    body: html`<div class="card narrow" role="alert">
  <h1>That request could not be used</h1>
  <p>${message}</p>
  <p><a href="/">Go to your page</a></p>
</div>`,
  };
}

export function serverErrorPage(): Message {
  return {
    title: 'Something went wrong',
    body: html`<div class="card narrow" role="alert">
  <h1>Something went wrong</h1>
  <p>The page could not be shown. The error is in the server log; try again in a moment.</p>
</div>`,
  };
}
