/**
 * Sandbox-only HTTP controls under `/_sandbox/`, for a sandbox running in another process
 * (`gradebridge sandbox`, `demo`): the same operations as the in-process IcSandbox handle. No auth.
 */
import { z } from 'zod';
import { ChosenFaultBody, FaultSettingsBody } from './faults.ts';
import { json, type Reply, type SandboxRequest } from './http.ts';
import type { IcSandbox } from './types.ts';

export const controlPrefix = '/_sandbox/';

type Controlled = Pick<IcSandbox, 'faults' | 'expireTokens' | 'revokeCredentials' | 'results' | 'requests' | 'resetRequestLog'>;

type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

function parseBody<T>(req: SandboxRequest, schema: z.ZodType<T>): Parsed<T> {
  let raw: unknown;
  try {
    raw = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
  } catch {
    return { ok: false, reply: json(400, { error: 'The body is not JSON.' }) };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reply: json(400, { error: z.prettifyError(parsed.error) }) };
}

const done: Reply = { status: 204 };

export function handleControl(req: SandboxRequest, sandbox: Controlled): Reply {
  const route = `${req.method} ${req.rawPath.slice(controlPrefix.length - 1)}`;
  switch (route) {
    case 'GET /results':
      return json(200, sandbox.results());
    case 'GET /requests':
      return json(200, sandbox.requests());
    case 'POST /reset-requests':
      sandbox.resetRequestLog();
      return done;
    case 'POST /faults': {
      const settings = parseBody(req, FaultSettingsBody);
      if (!settings.ok) return settings.reply;
      try {
        sandbox.faults.set(settings.value);
      } catch (error) {
        return json(400, { error: error instanceof Error ? error.message : String(error) });
      }
      return done;
    }
    case 'POST /faults/at': {
      const chosen = parseBody(req, ChosenFaultBody);
      if (!chosen.ok) return chosen.reply;
      sandbox.faults.at(chosen.value.request, chosen.value.fault);
      return done;
    }
    case 'DELETE /faults':
      sandbox.faults.clear();
      return done;
    case 'POST /expire-tokens':
      sandbox.expireTokens();
      return done;
    case 'POST /revoke':
      sandbox.revokeCredentials();
      return done;
    default:
      return json(404, {
        error: 'Unknown sandbox control.',
        controls: ['GET /_sandbox/results', 'GET /_sandbox/requests', 'POST /_sandbox/reset-requests', 'POST /_sandbox/faults',
          'POST /_sandbox/faults/at', 'DELETE /_sandbox/faults', 'POST /_sandbox/expire-tokens', 'POST /_sandbox/revoke'],
      });
  }
}
