/**
 * Date-times of the window calendar: `2026-12-01 08:00` (or with seconds, or `T` instead of the
 * space) in the district time zone, or ISO 8601 with an offset (`2026-12-01T08:00:00-06:00`, `Z`),
 * which names its own instant. A date alone is refused: "closes 2026-12-15" could mean the start
 * or the end of that day.
 *
 * Daylight saving: a local time that does not exist (the skipped spring hour) is refused; a local
 * time that happens twice (the repeated autumn hour) is its first occurrence.
 */
import { DateTime } from 'luxon';

export type DistrictDateTime = { ok: true; instant: Date } | { ok: false; problem: string };

const localPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const withOffsetPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

const expected = 'expected a date and time like 2026-12-01 08:00 (district time) or 2026-12-01T08:00:00-06:00';

export function parseDistrictDateTime(text: string, timezone: string): DistrictDateTime {
  const local = localPattern.exec(text);
  if (local) {
    const part = (index: number) => Number(local[index] ?? 0);
    const wall = { year: part(1), month: part(2), day: part(3), hour: part(4), minute: part(5), second: part(6) };
    return localInstant(wall, timezone, text);
  }
  if (withOffsetPattern.test(text)) {
    const parsed = DateTime.fromISO(text, { setZone: true });
    if (parsed.isValid) return { ok: true, instant: parsed.toJSDate() };
  }
  return { ok: false, problem: `${expected}, not "${text}"` };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The instant a wall-clock time names in `timezone`. Candidates are the wall time read with the
 * zone's offset a day before and a day after (a time zone changes offset at most once in between
 * for any real zone); a candidate counts when it reads back as the same wall time.
 */
function localInstant(wall: WallClock, timezone: string, text: string): DistrictDateTime {
  const asUtc = DateTime.fromObject(wall, { zone: 'utc' });
  if (!asUtc.isValid || !sameWallClock(asUtc, wall)) return { ok: false, problem: `${expected}; "${text}" is not a real date or time` };
  const offsets = new Set(
    [asUtc.minus({ days: 1 }), asUtc.plus({ days: 1 })].map((probe) => probe.setZone(timezone).offset),
  );
  const candidates = [...offsets]
    .map((offset) => asUtc.minus({ minutes: offset }).setZone(timezone))
    .filter((candidate) => sameWallClock(candidate, wall))
    .map((candidate) => candidate.toMillis())
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first === undefined)
    return { ok: false, problem: `"${text}" does not exist in ${timezone} (the clocks skip that hour)` };
  return { ok: true, instant: new Date(first) };
}

function sameWallClock(time: DateTime, wall: WallClock): boolean {
  return (
    time.year === wall.year &&
    time.month === wall.month &&
    time.day === wall.day &&
    time.hour === wall.hour &&
    time.minute === wall.minute &&
    time.second === wall.second
  );
}
