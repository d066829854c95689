/**
 * Authorizing IC calls, per connection mode (infinite-campus-api.md "Connection modes").
 *
 * - OneRoster 1.1 and 1.2: OAuth 2 client credentials. The token is obtained once, shared by
 *   concurrent callers (one memoized promise), reused until shortly before it expires, and
 *   obtained again after a failure or when IC answers 401 to it.
 * - legacy-learningdata: OAuth 1.0a two-legged, HMAC-SHA1, signed afresh for every attempt.
 *   `clientId` and `clientSecret` hold the consumer key and secret in this mode.
 */
import type { InfiniteCampusConfig } from '../config/schema.ts';
import { InfiniteCampusError } from '../errors.ts';
import { credentialsRejected, icMessage, unavailableRemedy } from './ic-errors.ts';
import type { IcHttp } from './ic-http.ts';
import { TokenAnswer, TokenErrorAnswer } from './ic-schemas.ts';
import { oauth1AuthorizationHeader } from './oauth1.ts';

export interface IcAuthorizer {
  readonly scheme: 'oauth2' | 'oauth1';
  /** The Authorization header for one attempt, and which token it carries. */
  authorize(method: string, url: string): Promise<{ headers: Record<string, string>; credential?: string }>;
  /** IC answered 401 to `credential`: forget it, so the next attempt uses a new one. */
  drop(credential: string | undefined): void;
  /** Obtains a token now (for `gradebridge check`); a no-op for OAuth 1. */
  verify(): Promise<void>;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is not used any more; Infinity when IC gave no lifetime. */
  renewAt: number;
}

/** Renew this long before expiry: a tenth of the lifetime, at most a minute. */
function renewalMarginMs(lifetimeSeconds: number): number {
  return Math.min(60_000, lifetimeSeconds * 100);
}

/** The token being obtained or in use; `token` is set once it arrived. */
interface TokenSlot {
  promise: Promise<CachedToken>;
  token?: CachedToken;
}

export class OAuth2Tokens implements IcAuthorizer {
  readonly scheme = 'oauth2';
  readonly #config: InfiniteCampusConfig;
  readonly #http: IcHttp;
  readonly #now: () => number;
  readonly #scrub: (text: string) => string;
  readonly #onToken: (token: string) => void;
  #slot: TokenSlot | undefined;

  constructor(options: {
    config: InfiniteCampusConfig;
    http: IcHttp;
    now: () => number;
    scrub: (text: string) => string;
    /** Told of every new token, so it can be scrubbed from anything IC echoes back. */
    onToken: (token: string) => void;
  }) {
    this.#config = options.config;
    this.#http = options.http;
    this.#now = options.now;
    this.#scrub = options.scrub;
    this.#onToken = options.onToken;
  }

  async authorize(): Promise<{ headers: Record<string, string>; credential: string }> {
    const token = await this.#token();
    return { headers: { authorization: `Bearer ${token}` }, credential: token };
  }

  drop(credential: string | undefined): void {
    // Only the refused token: when several requests get a 401 for it at once, one renewal follows.
    if (credential !== undefined && this.#slot?.token?.value === credential) this.#slot = undefined;
  }

  async verify(): Promise<void> {
    this.#slot = undefined;
    await this.#token();
  }

  #token(): Promise<string> {
    const slot = this.#slot;
    if (slot && (!slot.token || this.#now() < slot.token.renewAt)) return slot.promise.then((t) => t.value);
    const fresh: TokenSlot = { promise: this.#fetch() };
    this.#slot = fresh;
    fresh.promise.then(
      (token) => {
        fresh.token = token;
      },
      () => {
        if (this.#slot === fresh) this.#slot = undefined;
      },
    );
    return fresh.promise.then((t) => t.value);
  }

  async #fetch(): Promise<CachedToken> {
    const tokenUrl = this.#config.tokenUrl;
    if (!tokenUrl) throw new InfiniteCampusError('IC_TOKEN_URL_MISSING', `infiniteCampus.tokenUrl is required for api ${this.#config.api}.`);
    // RFC 6749 2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const basic = Buffer.from(`${formEncode(this.#config.clientId.reveal())}:${formEncode(this.#config.clientSecret.reveal())}`).toString(
      'base64',
    );
    const answer = await this.#http.send({
      service: 'token',
      method: 'POST',
      url: tokenUrl,
      path: new URL(tokenUrl).pathname,
      body: 'grant_type=client_credentials',
      prepare: async () => ({
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      }),
    });
    if (answer.kind === 'exhausted') {
      const what = answer.status !== undefined ? `answered ${answer.status}` : `could not be reached (${answer.errorCode})`;
      throw new InfiniteCampusError('IC_UNAVAILABLE', `The Infinite Campus token URL ${what} on all ${answer.attempts} attempts.`, {
        remedy: unavailableRemedy,
        ...(answer.status !== undefined ? { status: answer.status } : {}),
      });
    }
    const message = icMessage(answer.status, answer.text, this.#scrub);
    if (answer.status === 401 || answer.status === 403 || isClientRefusal(answer.status, answer.text)) {
      throw credentialsRejected('token-endpoint', answer.status, message);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new InfiniteCampusError('IC_TOKEN_REQUEST_FAILED', `The Infinite Campus token URL answered ${answer.status}: ${message}.`, {
        remedy: 'Check infiniteCampus.tokenUrl (it ends with ?appName=APP) and the OneRoster connection in IC.',
        status: answer.status,
      });
    }
    const parsed = TokenAnswer.safeParse(parseJson(answer.text));
    if (!parsed.success) {
      throw new InfiniteCampusError('IC_MALFORMED_RESPONSE', 'The Infinite Campus token URL answered without an access_token.', {
        remedy: 'Check that infiniteCampus.tokenUrl points at IC\'s OAuth 2 token endpoint.',
        status: answer.status,
      });
    }
    this.#onToken(parsed.data.access_token);
    const lifetime = parsed.data.expires_in;
    const renewAt = lifetime === undefined ? Number.POSITIVE_INFINITY : this.#now() + lifetime * 1000 - renewalMarginMs(lifetime);
    return { value: parsed.data.access_token, renewAt };
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** RFC 6749 5.2: some servers refuse bad client credentials with 400 `invalid_client`. */
function isClientRefusal(status: number, text: string): boolean {
  if (status !== 400) return false;
  const parsed = TokenErrorAnswer.safeParse(parseJson(text));
  return parsed.success && ['invalid_client', 'unauthorized_client'].includes(parsed.data.error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class OAuth1Signer implements IcAuthorizer {
  readonly scheme = 'oauth1';
  readonly #config: InfiniteCampusConfig;

  constructor(config: InfiniteCampusConfig) {
    this.#config = config;
  }

  async authorize(method: string, url: string): Promise<{ headers: Record<string, string> }> {
    const authorization = oauth1AuthorizationHeader(
      { consumerKey: this.#config.clientId.reveal(), consumerSecret: this.#config.clientSecret.reveal() },
      { method, url },
    );
    return { headers: { authorization } };
  }

  drop(): void {}

  async verify(): Promise<void> {}
}
