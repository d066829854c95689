import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.ts';
import { SchoologyError } from '../../src/errors.ts';
import { createSchoologyClient } from '../../src/roster/schoology/index.ts';
import { assertSignatureTransportSafe, isLoopbackHost, schoologyAuthorizationHeader } from '../../src/roster/schoology/oauth.ts';
import { SlidingWindowRateLimiter } from '../../src/roster/schoology/rate-limiter.ts';
import { OAuthChecker } from '../../sandbox/schoology/oauth-check.ts';

const credentials = { consumerKey: 'key', consumerSecret: 'secret' };

/** The header's fields, names and values percent-decoded, in order. */
function fields(header: string): Array<[string, string]> {
  expect(header.startsWith('OAuth ')).toBe(true);
  return header
    .slice('OAuth '.length)
    .split(', ')
    .map((part) => {
      const match = /^([^=]+)="([^"]*)"$/.exec(part);
      if (!match) throw new Error(`bad header part ${part}`);
      return [match[1]!, decodeURIComponent(match[2]!)];
    });
}

describe('schoologyAuthorizationHeader', () => {
  it('frames the header as Schoology documents it: realm, empty token, version 1.0', () => {
    const header = schoologyAuthorizationHeader(credentials, {
      method: 'GET',
      url: 'https://api.schoology.com/v1/users/me',
      signatureMethod: 'HMAC-SHA1',
      timestamp: 1_700_000_000,
      nonce: 'abc',
    });
    expect(header.startsWith('OAuth realm="Schoology API", ')).toBe(true);
    const map = new Map(fields(header));
    expect(map.get('oauth_consumer_key')).toBe('key');
    expect(map.get('oauth_token')).toBe('');
    expect(header).toContain('oauth_token=""');
    expect(map.get('oauth_nonce')).toBe('abc');
    expect(map.get('oauth_timestamp')).toBe('1700000000');
    expect(map.get('oauth_signature_method')).toBe('HMAC-SHA1');
    expect(map.get('oauth_version')).toBe('1.0');
  });

  it('signs HMAC-SHA1 over the RFC 5849 base string, query parameters and the empty token included', () => {
    const header = schoologyAuthorizationHeader(credentials, {
      method: 'GET',
      url: 'https://API.schoology.com:443/v1/users?school_uids=a%2Cb&start=0',
      signatureMethod: 'HMAC-SHA1',
      timestamp: 1_700_000_000,
      nonce: 'abc',
    });
    // Written out by hand: sorted parameters, the comma of the query double-encoded, host lower-cased, port 443 dropped.
    const base =
      'GET&https%3A%2F%2Fapi.schoology.com%2Fv1%2Fusers&' +
      'oauth_consumer_key%3Dkey%26oauth_nonce%3Dabc%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000' +
      '%26oauth_token%3D%26oauth_version%3D1.0%26school_uids%3Da%252Cb%26start%3D0';
    const expected = createHmac('sha1', 'secret&').update(base).digest('base64');
    expect(new Map(fields(header)).get('oauth_signature')).toBe(expected);
  });

  it('PLAINTEXT sends the encoded secret followed by %26', () => {
    const header = schoologyAuthorizationHeader(
      { consumerKey: 'key', consumerSecret: 'se&cret' },
      { method: 'POST', url: 'http://127.0.0.1:8080/v1/users', signatureMethod: 'PLAINTEXT', timestamp: 1, nonce: 'n' },
    );
    expect(header).toContain('oauth_signature="se%2526cret%26"');
    expect(new Map(fields(header)).get('oauth_signature')).toBe('se%26cret&');
  });

  it('uses a new nonce for every request', () => {
    const options = { method: 'GET', url: 'https://api.schoology.com/v1/roles', signatureMethod: 'HMAC-SHA1' as const, timestamp: 5 };
    const nonces = new Set(Array.from({ length: 20 }, () => new Map(fields(schoologyAuthorizationHeader(credentials, options))).get('oauth_nonce')));
    expect(nonces.size).toBe(20);
  });
});

describe('the sandbox verifier accepts exactly what the client signs', () => {
  const url = 'http://127.0.0.1:4000/v1/sections?section_school_codes=x%20y,z';

  it.each(['HMAC-SHA1', 'PLAINTEXT'] as const)('%s: accepted once, then a replay is refused', (signatureMethod) => {
    const checker = new OAuthChecker(new Map([['key', 'secret']]));
    const header = schoologyAuthorizationHeader(credentials, { method: 'GET', url, signatureMethod, timestamp: 100 });
    expect(checker.check('GET', url, header)).toEqual({ ok: true, consumerKey: 'key' });
    expect(checker.check('GET', url, header)).toEqual({ ok: false, message: 'Duplicate timestamp/nonce combination' });
  });

  it('refuses an HMAC signature when the query, method or secret differ', () => {
    const checker = new OAuthChecker(new Map([['key', 'secret']]));
    const header = schoologyAuthorizationHeader(credentials, { method: 'GET', url, signatureMethod: 'HMAC-SHA1', timestamp: 100 });
    expect(checker.check('GET', url.replace('z', 'w'), header)).toEqual({ ok: false, message: 'Invalid OAuth signature' });
    expect(checker.check('POST', url, header)).toEqual({ ok: false, message: 'Invalid OAuth signature' });
    const wrong = schoologyAuthorizationHeader({ consumerKey: 'key', consumerSecret: 'other' }, { method: 'GET', url, signatureMethod: 'HMAC-SHA1', timestamp: 100 });
    expect(checker.check('GET', url, wrong)).toEqual({ ok: false, message: 'Invalid OAuth signature' });
    const stranger = schoologyAuthorizationHeader({ consumerKey: 'nobody', consumerSecret: 'secret' }, { method: 'GET', url, signatureMethod: 'HMAC-SHA1', timestamp: 100 });
    expect(checker.check('GET', url, stranger)).toEqual({ ok: false, message: 'Invalid consumer key' });
    expect(checker.check('GET', url, undefined)).toEqual({ ok: false, message: 'Missing OAuth Authorization header' });
  });
});

describe('PLAINTEXT transport guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['api.schoology.com', false],
    ['localhost.example.org', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('refuses PLAINTEXT over http to a non-loopback host, and allows https, loopback and HMAC-SHA1', () => {
    expect(() => assertSignatureTransportSafe(new URL('http://schoology.district.org/v1'), 'PLAINTEXT')).toThrow(
      expect.objectContaining({ code: 'SCHOOLOGY_PLAINTEXT_INSECURE' }),
    );
    expect(() => assertSignatureTransportSafe(new URL('https://api.schoology.com/v1'), 'PLAINTEXT')).not.toThrow();
    expect(() => assertSignatureTransportSafe(new URL('http://127.0.0.1:9999/v1'), 'PLAINTEXT')).not.toThrow();
    expect(() => assertSignatureTransportSafe(new URL('http://schoology.district.org/v1'), 'HMAC-SHA1')).not.toThrow();
  });

  it('createSchoologyClient refuses before anything is sent, naming neither key nor secret', () => {
    let error: unknown;
    try {
      createSchoologyClient({
        config: {
          baseUrl: 'http://schoology.district.org/v1',
          consumerKey: new Secret('the-key', 'env K'),
          consumerSecret: new Secret('the-secret', 'env S'),
          signatureMethod: 'PLAINTEXT',
          rateLimit: { requests: 40, perSeconds: 5 },
          timeoutSeconds: 5,
          maxAttempts: 2,
        },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchoologyError);
    expect((error as SchoologyError).code).toBe('SCHOOLOGY_PLAINTEXT_INSECURE');
    expect((error as SchoologyError).advice).not.toMatch(/the-secret|the-key/);
  });
});

describe('SlidingWindowRateLimiter', () => {
  it('reserves slots so that no window of perSeconds holds more than `requests` sends', () => {
    let now = 1_000;
    const limiter = new SlidingWindowRateLimiter({ requests: 3, perSeconds: 5 }, () => now, async () => {});
    const slots = Array.from({ length: 7 }, () => limiter.reserve());
    expect(slots).toEqual([1_000, 1_000, 1_000, 6_000, 6_000, 6_000, 11_000]);
    now = 30_000;
    expect(limiter.reserve()).toBe(30_000);
  });

  it('spaces sends as they come when they come slowly', () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({ requests: 2, perSeconds: 1 }, () => now, async () => {});
    const slots: number[] = [];
    for (const t of [0, 100, 200, 1_050, 1_100]) {
      now = t;
      slots.push(limiter.reserve());
    }
    expect(slots).toEqual([0, 100, 1_000, 1_100, 2_000]);
  });
});
