/**
 * OAuth 1.0a HMAC-SHA1 request signing (RFC 5849), used two-legged (no token) by IC's
 * legacy-learningdata API. Every call gets a fresh nonce and timestamp, retries included, because
 * IC rejects a replayed nonce.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** RFC 3986 percent-encoding as RFC 5849 3.6 demands (encodeURIComponent leaves !'()* alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `a=1&b=2` with every key and value percent-encoded the RFC 3986 way, in the given order. */
export function encodeQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

/** The base string URI (RFC 5849 3.4.1.2): scheme and host lower-case, default port dropped, no query. */
function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const defaultPort = (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443');
  const host = url.hostname.toLowerCase() + (url.port && !defaultPort ? `:${url.port}` : '');
  return `${scheme}//${host}${url.pathname}`;
}

/**
 * RFC 5849 3.4.1: METHOD & encoded URI & encoded normalized parameters, where the parameters are
 * the query's, the form body's (when the body is form-encoded) and the oauth_* protocol parameters.
 */
export function signatureBaseString(
  method: string,
  url: string,
  oauthParams: ReadonlyArray<readonly [string, string]>,
  formParams: ReadonlyArray<readonly [string, string]> = [],
): string {
  const parsed = new URL(url);
  const all = [...parsed.searchParams.entries(), ...formParams, ...oauthParams]
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = all.map(([k, v]) => `${k}=${v}`).join('&');
  return [method.toUpperCase(), percentEncode(baseStringUri(parsed)), percentEncode(normalized)].join('&');
}

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  /** Absent in the two-legged flow IC uses. */
  token?: string;
  tokenSecret?: string;
}

export interface OAuth1SignOptions {
  method: string;
  url: string;
  formParams?: ReadonlyArray<readonly [string, string]>;
  /** Fixed only by tests that check a published example; fresh otherwise. */
  nonce?: string;
  timestamp?: number;
  /** Leave `oauth_version` out (some published examples do). */
  omitVersion?: boolean;
}

/** HMAC-SHA1 over the base string with key `consumerSecret&tokenSecret`, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** The `Authorization: OAuth ...` header value for one request. */
export function oauth1AuthorizationHeader(credentials: OAuth1Credentials, options: OAuth1SignOptions): string {
  const oauthParams: Array<[string, string]> = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', options.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(options.timestamp ?? Math.floor(Date.now() / 1000))],
  ];
  if (credentials.token !== undefined) oauthParams.push(['oauth_token', credentials.token]);
  if (!options.omitVersion) oauthParams.push(['oauth_version', '1.0']);
  const base = signatureBaseString(options.method, options.url, oauthParams, options.formParams);
  const signature = hmacSha1Signature(base, credentials.consumerSecret, credentials.tokenSecret);
  const header = [...oauthParams, ['oauth_signature', signature] as const]
    .map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`)
    .join(', ');
  return `OAuth ${header}`;
}
