/** Small readers for IC's loosely typed values: empty strings mean "not set", booleans may come as strings. */

/** A trimmed string, or null when IC sent nothing, null or only spaces. */
export function textOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** OneRoster 1.1 sends booleans as "true"/"false"; a missing flag counts as `fallback`. */
export function flag(value: boolean | string | null | undefined, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return fallback;
}

/** `active` unless IC marks the object `tobedeleted` (or the older `inactive`). */
export function statusOf(value: string | null | undefined): 'active' | 'tobedeleted' {
  return value === 'tobedeleted' || value === 'inactive' ? 'tobedeleted' : 'active';
}

/** The date part (YYYY-MM-DD) of a date or date-time, or null. */
export function dateOnly(value: string | null | undefined): string | null {
  const text = textOrNull(value);
  return text === null ? null : text.slice(0, 10);
}
