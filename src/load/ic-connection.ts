/**
 * One authorized OneRoster call: the service URL for the mode, the Authorization header, the
 * vendor header on gradebook calls, and the rules for refusals (infinite-campus-api.md):
 * a 401 drops the token and the call is repeated once with a new one; a second 401, or any 403,
 * stops the run with IC_CREDENTIALS_REJECTED. Retryable answers are handled below, in IcHttp.
 */
import type { InfiniteCampusConfig } from '../config/schema.ts';
import type { IcAuthorizer } from './ic-auth.ts';
import { credentialsRejected, icMessage, vendorKeyMissing, type CredentialsRejectedBy } from './ic-errors.ts';
import type { IcHttp, IcHttpAnswer, IcHttpExhausted } from './ic-http.ts';
import { serviceBaseUrl, type IcApiMode, type IcService } from './ic-urls.ts';
import { encodeQuery } from './oauth1.ts';

export interface IcCall {
  service: IcService;
  method: 'GET' | 'PUT';
  /** Service-relative, IDs already encoded (icPath). */
  path: string;
  query?: ReadonlyArray<readonly [string, string]>;
  /** A JSON body for PUT. */
  body?: unknown;
}

export class IcConnection {
  readonly mode: IcApiMode;
  readonly #config: InfiniteCampusConfig;
  readonly #http: IcHttp;
  readonly #auth: IcAuthorizer;
  readonly scrub: (text: string) => string;

  constructor(options: { config: InfiniteCampusConfig; http: IcHttp; auth: IcAuthorizer; scrub: (text: string) => string }) {
    this.mode = options.config.api;
    this.#config = options.config;
    this.#http = options.http;
    this.#auth = options.auth;
    this.scrub = options.scrub;
  }

  get maxAttempts(): number {
    return this.#http.maxAttempts;
  }

  get hasVendorCredentials(): boolean {
    return Boolean(this.#config.vendorKey && this.#config.vendorSecret);
  }

  /** IC's answer (any status but 401/403), or `exhausted` when every attempt met a retryable failure. */
  async call(call: IcCall): Promise<IcHttpAnswer | IcHttpExhausted> {
    const vendorHeader = call.service === 'gradebook' ? this.#vendorHeader() : undefined;
    const query = call.query?.length ? `?${encodeQuery(call.query)}` : '';
    const url = serviceBaseUrl(this.#config.baseUrl, this.mode, call.service) + call.path + query;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const send = () =>
      this.#http.send({
        service: call.service,
        method: call.method,
        url,
        path: call.path,
        ...(body !== undefined ? { body } : {}),
        prepare: async () => {
          const { headers, credential } = await this.#auth.authorize(call.method, url);
          return {
            headers: {
              ...headers,
              accept: 'application/json',
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...(vendorHeader ? { 'x-vendor-authorization': vendorHeader } : {}),
            },
            ...(credential !== undefined ? { credential } : {}),
          };
        },
      });

    let answer = await send();
    if (answer.kind === 'answer' && answer.status === 401) {
      this.#auth.drop(answer.credential);
      answer = await send();
      if (answer.kind === 'answer' && answer.status === 401) throw this.#rejected(call.service, answer);
    }
    if (answer.kind === 'answer' && answer.status === 403) throw this.#rejected(call.service, answer);
    return answer;
  }

  #rejected(service: IcService, answer: IcHttpAnswer) {
    // A 401 to a gradebook call after a renewal: the token is fresh, so the vendor header was refused.
    const gradebook401 = answer.status === 401 && service === 'gradebook';
    const by: CredentialsRejectedBy =
      this.#auth.scheme === 'oauth2' ? (gradebook401 ? 'vendor' : 'client') : gradebook401 ? 'consumer-or-vendor' : 'consumer';
    return credentialsRejected(by, answer.status, icMessage(answer.status, answer.text, this.scrub));
  }

  #vendorHeader(): string {
    const { vendorKey, vendorSecret } = this.#config;
    if (!vendorKey || !vendorSecret) throw vendorKeyMissing();
    return `${vendorKey.reveal()}:${vendorSecret.reveal()}`;
  }
}
