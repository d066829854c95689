import { describe, expect, it } from 'vitest';
import { oauth1AuthorizationHeader, percentEncode, signatureBaseString, hmacSha1Signature } from '../../src/load/oauth1.ts';

function headerParams(header: string): Record<string, string> {
  expect(header.startsWith('OAuth ')).toBe(true);
  const params: Record<string, string> = {};
  for (const part of header.slice('OAuth '.length).split(', ')) {
    const match = /^([^=]+)="([^"]*)"$/.exec(part);
    if (!match) throw new Error(`bad header part ${part}`);
    params[decodeURIComponent(match[1]!)] = decodeURIComponent(match[2]!);
  }
  return params;
}

describe('percentEncode', () => {
  it.each([
    ['abcABC123-._~', 'abcABC123-._~'],
    ['a b', 'a%20b'],
    ['!*\'()', '%21%2A%27%28%29'],
    ['+/=&', '%2B%2F%3D%26'],
    ['é', '%C3%A9'],
  ])('%s -> %s', (input, encoded) => {
    expect(percentEncode(input)).toBe(encoded);
  });
});

describe('signatureBaseString', () => {
  it('matches the RFC 5849 section 3.4.1.1 example (query, form body and protocol parameters)', () => {
    const base = signatureBaseString(
      'POST',
      'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      [
        ['oauth_consumer_key', '9djdj82h48djs9d2'],
        ['oauth_token', 'kkk9d7dh3k39sjv7'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131201'],
        ['oauth_nonce', '7d8f3e4a'],
      ],
      [...new URLSearchParams('c2&a3=2+q').entries()],
    );
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('lower-cases scheme and host and drops the default port', () => {
    const base = signatureBaseString('get', 'HTTP://Example.COM:80/Path?x=1', []);
    expect(base).toBe('GET&http%3A%2F%2Fexample.com%2FPath&x%3D1');
    expect(signatureBaseString('GET', 'http://127.0.0.1:8123/p', [])).toBe('GET&http%3A%2F%2F127.0.0.1%3A8123%2Fp&');
  });
});

describe('oauth1AuthorizationHeader', () => {
  it('signs the Twitter "creating a signature" example to its published signature', () => {
    const header = oauth1AuthorizationHeader(
      {
        consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
        consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
        token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
        tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
      },
      {
        method: 'POST',
        url: 'https://api.twitter.com/1/statuses/update.json?include_entities=true',
        formParams: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
        nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
        timestamp: 1318622958,
      },
    );
    expect(headerParams(header)['oauth_signature']).toBe('tnnArxj06cWHq44gCs1OSKk/jLY=');
  });

  it('signs the OAuth 1.0 appendix A.5 (photos.example.net) example to its published signature', () => {
    const header = oauth1AuthorizationHeader(
      { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
      { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original', nonce: 'kllo9940pd9333jh', timestamp: 1191242096 },
    );
    expect(headerParams(header)['oauth_signature']).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  });

  it('two-legged: no token, a fresh nonce and timestamp each time, and a signature a verifier can recompute', () => {
    const credentials = { consumerKey: 'InfiniteCampus_key', consumerSecret: 's3cret' };
    const url = 'http://127.0.0.1:9000/campus/oneroster/app/learningdata/v1/classes?limit=2&offset=0';
    const first = headerParams(oauth1AuthorizationHeader(credentials, { method: 'GET', url }));
    const second = headerParams(oauth1AuthorizationHeader(credentials, { method: 'GET', url }));
    expect(first['oauth_token']).toBeUndefined();
    expect(first['oauth_nonce']).not.toBe(second['oauth_nonce']);
    expect(Number(first['oauth_timestamp'])).toBeCloseTo(Date.now() / 1000, -1);

    const { oauth_signature: signature, ...rest } = first;
    const recomputed = hmacSha1Signature(signatureBaseString('GET', url, Object.entries(rest)), 's3cret');
    expect(signature).toBe(recomputed);
    const tampered = hmacSha1Signature(signatureBaseString('GET', url.replace('limit=2', 'limit=3'), Object.entries(rest)), 's3cret');
    expect(signature).not.toBe(tampered);
  });
});
