/**
 * OAuth 2 client credentials as IC runs it (infinite-campus-api.md "Connection modes"): the token
 * endpoint takes `grant_type=client_credentials` form-encoded with the client id and secret in a
 * Basic header, and issues opaque bearer tokens that expire after the configured lifetime.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { header, json, type Reply, type SandboxRequest } from './http.ts';
import { unauthorised } from './imsx.ts';

export interface ClientCredentialsCheck {
  /** True when the pair is the configured one and has not been revoked. */
  accepts(clientId: string, clientSecret: string): boolean;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class TokenStore {
  readonly #issuedAt = new Map<string, number>();

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date,
  ) {}

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const token = randomBytes(24).toString('base64url');
    this.#issuedAt.set(token, this.now().getTime());
    return { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds };
  }

  isValid(token: string): boolean {
    const issuedAt = this.#issuedAt.get(token);
    return issuedAt !== undefined && this.now().getTime() < issuedAt + this.lifetimeSeconds * 1000;
  }

  expireAll(): void {
    this.#issuedAt.clear();
  }

  /** Throws a 401 unless the request carries a live bearer token. */
  authenticate(req: SandboxRequest): void {
    const match = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    if (!match?.[1]) throw unauthorised('Missing bearer token: send Authorization: Bearer <access_token>.');
    if (!this.isValid(match[1])) throw unauthorised('The access token is invalid or has expired.');
  }
}

function tokenError(status: number, error: string, description: string): Reply {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="Campus"';
  return json(status, { error, error_description: description }, headers);
}

/** RFC 6749 2.3.1: the id and secret are form-encoded before they go into the Basic header. */
function basicCredentials(req: SandboxRequest): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header(req, 'authorization') ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

export function handleTokenRequest(req: SandboxRequest, appName: string, clients: ClientCredentialsCheck, tokens: TokenStore): Reply {
  if (req.method !== 'POST') return tokenError(405, 'invalid_request', 'The token endpoint takes POST.');
  if (req.query.get('appName') !== appName) return tokenError(400, 'invalid_request', 'Unknown or missing appName.');
  const credentials = basicCredentials(req);
  if (!credentials) return tokenError(401, 'invalid_client', 'Send the client id and secret in an HTTP Basic header.');
  if (!clients.accepts(credentials.id, credentials.secret)) return tokenError(401, 'invalid_client', 'Client authentication failed.');
  const contentType = header(req, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return tokenError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (grantType === null) return tokenError(400, 'invalid_request', 'grant_type is required.');
  if (grantType !== 'client_credentials') return tokenError(400, 'unsupported_grant_type', 'Only client_credentials is supported.');
  return json(200, tokens.issue(), { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}
