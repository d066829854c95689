/** Reads the window calendar file (`gradingWindows.calendarFile`); parse-window-calendar.ts decides. */
import { readFile } from 'node:fs/promises';
import { ExportFileError } from '../errors.ts';
import { parseWindowCalendar } from './parse-window-calendar.ts';
import type { WindowCalendarEntry } from './window-calendar-entry.ts';

export async function readWindowCalendar(path: string, options: { timezone: string }): Promise<WindowCalendarEntry[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ExportFileError('WINDOW_CALENDAR_UNREADABLE', `Cannot read the window calendar ${path}: ${error instanceof Error ? error.message : String(error)}.`, {
      remedy: 'Check gradingWindows.calendarFile in the config, and that the file exists and is readable.',
      cause: error,
    });
  }
  return parseWindowCalendar(bytes, { source: path, timezone: options.timezone });
}
