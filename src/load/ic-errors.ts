/**
 * Turning IC's answers into messages an admin can act on, and the errors that stop a run.
 * IC's error bodies may not follow the 1EdTech shape, so they are parsed defensively; raw text is
 * truncated and scrubbed of every secret before it is kept anywhere.
 */
import { InfiniteCampusError, remedies } from '../errors.ts';
import { IcErrorBody } from './ic-schemas.ts';

export const maxRawBodyChars = 500;

/** IC's own explanation of a refused request: `imsx_description`, else the OAuth error, else the raw body. */
export function icMessage(status: number, text: string, scrub: (text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = IcErrorBody.safeParse(parsed);
  if (body.success && body.data.imsx_description) {
    const minor = body.data.imsx_CodeMinor?.imsx_codeMinorField?.[0]?.imsx_codeMinorFieldValue;
    return scrub(truncate(minor ? `${body.data.imsx_description} (${minor})` : body.data.imsx_description));
  }
  const oauth = parsed as { error?: unknown; error_description?: unknown } | undefined;
  if (oauth && typeof oauth.error === 'string') {
    return scrub(truncate(typeof oauth.error_description === 'string' ? `${oauth.error}: ${oauth.error_description}` : oauth.error));
  }
  const raw = text.trim();
  return raw ? scrub(truncate(raw)) : `HTTP ${status} with an empty body`;
}

function truncate(text: string): string {
  return text.length > maxRawBodyChars ? `${text.slice(0, maxRawBodyChars)}…` : text;
}

/** IC's closed-window refusal is undocumented: any 4xx whose message mentions the grading window. */
export function mentionsGradingWindow(message: string): boolean {
  return /grading[\s_-]*window/i.test(message);
}

export type CredentialsRejectedBy = 'token-endpoint' | 'client' | 'vendor' | 'consumer' | 'consumer-or-vendor';

const rejectionText: Record<CredentialsRejectedBy, string> = {
  'token-endpoint': 'Infinite Campus refused the OAuth client ID and secret at the token URL',
  client: 'Infinite Campus refused the access token obtained with the OAuth client ID and secret',
  vendor: 'Infinite Campus refused the vendor key and secret (x-vendor-authorization header) on a gradebook call, with a fresh access token',
  consumer: 'Infinite Campus refused the OAuth 1 consumer key and secret (legacy-learningdata)',
  'consumer-or-vendor':
    'Infinite Campus refused a gradebook call: the OAuth 1 consumer key and secret, or the vendor key and secret (x-vendor-authorization header)',
};

export function credentialsRejected(by: CredentialsRejectedBy, status: number, detail: string): InfiniteCampusError {
  return new InfiniteCampusError('IC_CREDENTIALS_REJECTED', `${rejectionText[by]}: HTTP ${status}, ${detail}.`, {
    remedy: remedies.icCredentialsRejected,
    status,
  });
}

export function vendorKeyMissing(): InfiniteCampusError {
  return new InfiniteCampusError(
    'IC_VENDOR_KEY_MISSING',
    'Infinite Campus gradebook calls (line items, results) need the vendor key and secret, and none are configured.',
    { remedy: 'Set infiniteCampus.vendorKey and infiniteCampus.vendorSecret (from the OneRoster connection in IC), then run again.' },
  );
}

export const unavailableRemedy =
  'Infinite Campus did not answer usefully after every retry. Check that IC is up and reachable from this server, then request a run.';
