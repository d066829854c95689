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
    throw new ExportFileError('WINDOW_CALENDAR_UNREADABLE', `Cannot read the window calendar ${path}: ${(error as Error).message}.`, {
      remedy: 'Check gradingWindows.calendarFile in the config and that the file exists and is readable.',
      cause: error,
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ExportFileError('WINDOW_CALENDAR_INVALID', `Window calendar ${path} is not UTF-8 text.`, {
      remedy: 'Save the window calendar as CSV UTF-8.',
      cause: error,
    });
  }
  return parseWindowCalendar(text, { source: path, timezone: options.timezone });
}
