/** The request and answer shapes the sandbox's handlers work with (node:http stays in server.ts). */
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** The path as sent (still percent-encoded): OAuth 1 signs this form. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `http://127.0.0.1:PORT`, from the Host header. */
  origin: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON; absent: no body. */
  body?: unknown;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
