/** `GET /users/me`: who the API key belongs to. Schoology answers 303 to `/users/{id}`, which http.ts signs anew. */
import type { SchoologyHttp } from './http.ts';
import { Me } from './schemas.ts';

export async function getMe(api: SchoologyHttp): Promise<{ id: string; name: string }> {
  const me = await api.json({ method: 'GET', url: api.url('/users/me'), idempotent: true }, Me);
  const name = me.name_display ?? [me.name_first, me.name_last].filter(Boolean).join(' ');
  return { id: me.id, name };
}
