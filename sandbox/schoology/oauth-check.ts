/**
 * Checks the OAuth 1.0a two-legged header of a sandbox request the way Schoology does: a known
 * consumer key, an HMAC-SHA1 signature over the RFC 5849 base string (query included) or a
 * PLAINTEXT `secret&`, and a timestamp+nonce pair never seen before.
 */
import { timingSafeEqual } from 'node:crypto';
import { hmacSha1Signature, percentEncode, signatureBaseString } from '../../src/load/oauth1.ts';

export type OAuthVerdict = { ok: true; consumerKey: string } | { ok: false; message: string };

function parseAuthorization(header: string): Map<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const pair = /^\s*([A-Za-z0-9_.~-]+)="([^"]*)"\s*$/.exec(part);
    if (!pair) return undefined;
    try {
      params.set(decodeURIComponent(pair[1]!), decodeURIComponent(pair[2]!));
    } catch {
      return undefined;
    }
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class OAuthChecker {
  readonly #secrets: ReadonlyMap<string, string>;
  readonly #seen = new Set<string>();

  constructor(secrets: ReadonlyMap<string, string>) {
    this.#secrets = secrets;
  }

  /** `url` is the full URL the client signed: `http://host:port/path?query`. */
  check(method: string, url: string, header: string | undefined): OAuthVerdict {
    if (!header) return { ok: false, message: 'Missing OAuth Authorization header' };
    const params = parseAuthorization(header);
    if (!params) return { ok: false, message: 'Malformed OAuth Authorization header' };
    const key = params.get('oauth_consumer_key');
    const nonce = params.get('oauth_nonce');
    const timestamp = params.get('oauth_timestamp');
    const signatureMethod = params.get('oauth_signature_method');
    const signature = params.get('oauth_signature');
    if (!key || !nonce || !timestamp || !signatureMethod || signature === undefined) return { ok: false, message: 'Missing OAuth parameters' };
    if (!/^\d+$/.test(timestamp)) return { ok: false, message: 'Invalid oauth_timestamp' };
    const version = params.get('oauth_version');
    if (version !== undefined && version !== '1.0') return { ok: false, message: 'Unsupported oauth_version' };
    const secret = this.#secrets.get(key);
    if (secret === undefined) return { ok: false, message: 'Invalid consumer key' };

    let expected: string;
    if (signatureMethod === 'PLAINTEXT') {
      expected = `${percentEncode(secret)}&`;
    } else if (signatureMethod === 'HMAC-SHA1') {
      const signed = [...params].filter(([name]) => name.startsWith('oauth_') && name !== 'oauth_signature');
      expected = hmacSha1Signature(signatureBaseString(method, url, signed), secret);
    } else {
      return { ok: false, message: `Unsupported signature method ${signatureMethod}` };
    }
    if (!sameText(signature, expected)) return { ok: false, message: 'Invalid OAuth signature' };

    const pair = `${key}\n${timestamp}\n${nonce}`;
    if (this.#seen.has(pair)) return { ok: false, message: 'Duplicate timestamp/nonce combination' };
    this.#seen.add(pair);
    return { ok: true, consumerKey: key };
  }
}
