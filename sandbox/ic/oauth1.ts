/**
 * OAuth 1.0a two-legged HMAC-SHA1 as the legacy learningdata API checks it (RFC 5849): the
 * signature is recomputed from the request (query, form body and oauth parameters), the timestamp
 * must be within five minutes of real time, and a nonce answers only once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest } from './http.ts';
import { unauthorised } from './imsx.ts';

const maxClockSkewSeconds = 300;

/** RFC 3986 unreserved characters stay; everything else is %XX (RFC 5849 3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters of the Authorization header (`OAuth k="v", ...`), decoded; null when not OAuth. */
export function parseOAuthHeader(value: string | undefined): Map<string, string> | null {
  if (!value || !/^OAuth\s/i.test(value)) return null;
  const params = new Map<string, string>();
  for (const part of value.replace(/^OAuth\s+/i, '').split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!match?.[1] || match[2] === undefined) throw unauthorised(`Malformed OAuth header parameter: ${part.trim()}`);
    try {
      params.set(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
    } catch {
      throw unauthorised(`Malformed percent-encoding in OAuth header parameter: ${part.trim()}`);
    }
  }
  return params;
}

export function signatureBaseString(method: string, baseUri: string, params: readonly [string, string][]): string {
  const normalized = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

export interface ConsumerCheck {
  /** The secret of a consumer key that is configured and not revoked; undefined otherwise. */
  secretFor(consumerKey: string): string | undefined;
}

export class OAuth1Verifier {
  /** nonce -> its oauth_timestamp (seconds), kept while a replay could still pass the clock check. */
  readonly #nonces = new Map<string, number>();

  constructor(private readonly consumers: ConsumerCheck) {}

  /** Throws a 401 unless the request is signed with a live consumer key, a fresh timestamp and an unused nonce. */
  verify(req: SandboxRequest): void {
    const headerParams = parseOAuthHeader(header(req, 'authorization')) ?? new Map<string, string>();
    headerParams.delete('realm');
    // Every parameter of the request, wherever it was sent (RFC 5849 3.4.1.3.1).
    const params: [string, string][] = [...req.query, ...headerParams];
    if ((header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
      params.push(...new URLSearchParams(req.body.toString('utf8')));
    const get = (name: string) => params.find(([k]) => k === name)?.[1];

    const consumerKey = get('oauth_consumer_key');
    const signature = get('oauth_signature');
    if (!consumerKey || !signature) throw unauthorised('OAuth 1.0a signature required (oauth_consumer_key, oauth_signature).');
    const secret = this.consumers.secretFor(consumerKey);
    if (secret === undefined) throw unauthorised('Unknown or revoked consumer key.');
    if (get('oauth_signature_method') !== 'HMAC-SHA1') throw unauthorised('oauth_signature_method must be HMAC-SHA1.');
    const version = get('oauth_version');
    if (version !== undefined && version !== '1.0') throw unauthorised('oauth_version must be 1.0.');
    const nonce = get('oauth_nonce');
    if (!nonce) throw unauthorised('oauth_nonce is required.');
    const timestampText = get('oauth_timestamp') ?? '';
    const timestamp = Number(timestampText);
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (!/^\d+$/.test(timestampText) || Math.abs(nowSeconds - timestamp) > maxClockSkewSeconds)
      throw unauthorised('oauth_timestamp is missing or more than 5 minutes from the server clock.');

    const signed = params.filter(([k]) => k !== 'oauth_signature');
    const baseString = signatureBaseString(req.method, `${req.origin.toLowerCase()}${req.rawPath}`, signed);
    const expected = Buffer.from(hmacSha1Signature(baseString, secret));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthorised('Invalid OAuth signature.');

    this.#forgetOldNonces(nowSeconds);
    if (this.#nonces.has(nonce)) throw unauthorised('The oauth_nonce was already used.');
    this.#nonces.set(nonce, timestamp);
  }

  #forgetOldNonces(nowSeconds: number): void {
    for (const [nonce, ts] of this.#nonces) if (ts < nowSeconds - 2 * maxClockSkewSeconds) this.#nonces.delete(nonce);
  }
}
