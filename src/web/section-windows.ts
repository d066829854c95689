/**
 * Grading-window status per section for the teacher view: the section's IC line items for the
 * configured grading tasks, each open or closed now and when that next changes. Read from IC on
 * demand, kept a few minutes per class, and answered as "unknown" when IC does not answer in time:
 * the page never waits long for IC and never guesses.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { readWindowCalendar } from '../grading-windows/read-window-calendar.ts';
import type { WindowCalendarEntry } from '../grading-windows/window-calendar-entry.ts';
import { makeWindowChecker, nextWindowChange, type WindowChange, type WindowStatusOptions } from '../grading-windows/window-status.ts';
import { createIcClient, type IcClient } from '../load/ic-client.ts';
import { errorMessage } from '../errors.ts';
import type { LineItem } from '../types.ts';

export interface LineItemWindow {
  title: string;
  taskId: number | null;
  termSourcedId: string | null;
  open: boolean;
  /** Who decides: IC's flag, or the window calendar (without either, the window counts as closed). */
  decidedBy: 'ic' | 'calendar';
  nextChange: WindowChange | null;
}

export type SectionWindows = { known: true; items: LineItemWindow[] } | { known: false; reason: string };

export interface SectionRef {
  sectionSchoolCode: string;
  schoolSourcedId: string;
}

export interface SectionWindowLookup {
  windowsFor(sections: readonly SectionRef[], schoolAliases: (schoolSourcedId: string) => readonly string[]): Promise<Map<string, SectionWindows>>;
  close(): Promise<void>;
}

export interface SectionWindowLookupOptions {
  config: Config;
  logger: Logger;
  now: () => Date;
  /** Where line items come from; default: an IC client made from the config on first use. */
  readLineItems?: (classSourcedId: string) => Promise<LineItem[]>;
  cacheMs?: number;
  failureCacheMs?: number;
  /** How long a page waits for IC before showing "unknown". */
  deadlineMs?: number;
}

interface CachedLineItems {
  at: number;
  /** Settles to the items, or rejects; kept while in flight so concurrent pages share one read. */
  items: Promise<LineItem[]>;
  failed: boolean;
}

export function createSectionWindowLookup(options: SectionWindowLookupOptions): SectionWindowLookup {
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const failureCacheMs = options.failureCacheMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? 5_000;
  const cache = new Map<string, CachedLineItems>();
  let ic: IcClient | null = null;
  let calendar: { at: number; entries: Promise<WindowCalendarEntry[]> } | null = null;

  const grades = options.config.gradePassback;
  const taskIds = grades ? new Set([...grades.termTaskIds, ...grades.overallTaskIds]) : null;

  const readFromIc = (classSourcedId: string): Promise<LineItem[]> => {
    if (options.readLineItems) return options.readLineItems(classSourcedId);
    ic ??= createIcClient({ config: options.config.infiniteCampus, concurrency: grades?.concurrency ?? 1, maxAttempts: 2, logger: options.logger });
    return ic.readClassLineItems(classSourcedId);
  };

  const lineItemsOf = (classSourcedId: string): Promise<LineItem[]> => {
    const now = Date.now();
    const cached = cache.get(classSourcedId);
    if (cached && now - cached.at < (cached.failed ? failureCacheMs : cacheMs)) return cached.items;
    const entry: CachedLineItems = { at: now, items: readFromIc(classSourcedId), failed: false };
    entry.items.catch(() => {
      entry.failed = true;
    });
    cache.set(classSourcedId, entry);
    return entry.items;
  };

  const calendarEntries = (): Promise<WindowCalendarEntry[]> => {
    const file = options.config.gradingWindows.calendarFile;
    if (!file) return Promise.resolve([]);
    if (!calendar || Date.now() - calendar.at >= cacheMs) {
      calendar = { at: Date.now(), entries: readWindowCalendar(file, { timezone: options.config.timezone }) };
    }
    return calendar.entries;
  };

  return {
    async windowsFor(sections, schoolAliases) {
      const result = new Map<string, SectionWindows>();
      let entries: WindowCalendarEntry[];
      try {
        entries = await calendarEntries();
      } catch (error) {
        options.logger.warn({ err: error }, 'status page: window calendar unreadable');
        for (const section of sections) result.set(section.sectionSchoolCode, { known: false, reason: errorMessage(error) });
        return result;
      }
      const windowOptions: WindowStatusOptions = { calendar: entries, now: options.now(), schoolAliases };
      const isOpen = makeWindowChecker(windowOptions);
      await Promise.all(
        sections.map(async (section) => {
          try {
            const items = await withDeadline(lineItemsOf(section.sectionSchoolCode), deadlineMs);
            const relevant = items.filter((item) => !taskIds || (item.taskId !== null && taskIds.has(item.taskId)));
            result.set(section.sectionSchoolCode, {
              known: true,
              items: relevant.map((item) => ({
                title: item.title,
                taskId: item.taskId,
                termSourcedId: item.termSourcedId,
                open: isOpen(item, section.schoolSourcedId),
                decidedBy: item.windowOpenFlag === null ? 'calendar' : 'ic',
                nextChange: nextWindowChange(windowOptions, item, section.schoolSourcedId),
              })),
            });
          } catch (error) {
            options.logger.warn({ section: section.sectionSchoolCode, err: error }, 'status page: grading windows unknown');
            result.set(section.sectionSchoolCode, { known: false, reason: 'Infinite Campus did not answer in time.' });
          }
        }),
      );
      return result;
    },
    async close() {
      await ic?.close();
    },
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
