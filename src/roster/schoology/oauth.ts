/**
 * Schoology's OAuth 1.0a two-legged header: `realm="Schoology API"`, an empty `oauth_token`, and
 * HMAC-SHA1 or PLAINTEXT signatures. The RFC 5849 base string and HMAC come from the shared signer
 * in src/load/oauth1.ts; this adds the Schoology framing and PLAINTEXT. A new nonce and timestamp
 * for every request, redirects and retries included: Schoology answers a reused pair with 401.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { SchoologyError } from '../../errors.ts';
import { hmacSha1Signature, percentEncode, signatureBaseString } from '../../load/oauth1.ts';

export type SchoologySignatureMethod = 'HMAC-SHA1' | 'PLAINTEXT';

export interface SchoologyCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface SchoologySignOptions {
  method: string;
  /** The full request URL, query included (query parameters are part of the base string). */
  url: string;
  signatureMethod: SchoologySignatureMethod;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Fixed only by tests; fresh otherwise. */
  nonce?: string;
}

/** PLAINTEXT (RFC 5849 3.4.4): the encoded consumer secret, `&`, the (empty) encoded token secret. */
export function plaintextSignature(consumerSecret: string): string {
  return `${percentEncode(consumerSecret)}&`;
}

/** The `Authorization` header value for one request. */
export function schoologyAuthorizationHeader(credentials: SchoologyCredentials, options: SchoologySignOptions): string {
  const oauthParams: Array<[string, string]> = [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_token', ''],
    ['oauth_nonce', options.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_timestamp', String(options.timestamp)],
    ['oauth_signature_method', options.signatureMethod],
    ['oauth_version', '1.0'],
  ];
  const signature =
    options.signatureMethod === 'PLAINTEXT'
      ? plaintextSignature(credentials.consumerSecret)
      : hmacSha1Signature(signatureBaseString(options.method, options.url, oauthParams), credentials.consumerSecret);
  const fields = [...oauthParams, ['oauth_signature', signature] as const].map(([k, v]) => `${k}="${percentEncode(v)}"`);
  return `OAuth realm="Schoology API", ${fields.join(', ')}`;
}

/** 127.0.0.0/8, ::1 and `localhost`: where a PLAINTEXT secret over plain HTTP never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

/** PLAINTEXT sends the secret itself: refuse it over plain HTTP unless the host is loopback. */
export function assertSignatureTransportSafe(url: URL, signatureMethod: SchoologySignatureMethod): void {
  if (signatureMethod !== 'PLAINTEXT' || url.protocol === 'https:' || isLoopbackHost(url.hostname)) return;
  throw new SchoologyError(
    'SCHOOLOGY_PLAINTEXT_INSECURE',
    `Refusing to send the Schoology consumer secret in PLAINTEXT over unencrypted HTTP to ${url.host}.`,
    { remedy: 'Use an https:// baseUrl for Schoology, or set rosterProvisioning.schoology.signatureMethod to HMAC-SHA1.' },
  );
}
