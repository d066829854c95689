/**
 * The settings in effect, as key/value text for the settings page. Every `{env}`/`{file}` value is
 * a `Secret` and shows only where it comes from ("set (env IC_CLIENT_SECRET)"); passwords inside
 * URLs are masked. Pure: the config in, rows out.
 */
import type { Config } from '../config/schema.ts';
import { Secret } from '../config/secret.ts';

export interface SettingRow {
  key: string;
  value: string;
}

export interface SettingsGroup {
  title: string;
  key: string;
  rows: SettingRow[] | null;
}

const groups: { key: keyof Config; title: string }[] = [
  { key: 'infiniteCampus', title: 'Infinite Campus' },
  { key: 'gradePassback', title: 'Grade passback' },
  { key: 'rosterProvisioning', title: 'Roster provisioning' },
  { key: 'gradingWindows', title: 'Grading windows' },
  { key: 'smtp', title: 'Email (SMTP)' },
  { key: 'web', title: 'Status page' },
];

export function settingsInEffect(config: Config, storeDisplayUrl: string): SettingsGroup[] {
  const general: SettingRow[] = [
    { key: 'store', value: storeDisplayUrl },
    { key: 'timezone', value: config.timezone },
  ];
  return [
    { title: 'General', key: 'general', rows: general },
    ...groups.map(({ key, title }) => {
      const value: unknown = config[key];
      return { title, key, rows: value === undefined ? null : flatten(value, key) };
    }),
  ];
}

function flatten(value: unknown, key: string): SettingRow[] {
  if (value === undefined) return [];
  if (value instanceof Secret) return [{ key, value: `set (${value.source})` }];
  if (value === null || typeof value !== 'object') return [{ key, value: displayScalar(value) }];
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return [{ key, value: value.length ? value.map(displayScalar).join(', ') : '(none)' }];
    return value.flatMap((item, i) => flatten(item, `${key}.${i}`));
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return [{ key, value: '(none)' }];
  return entries.flatMap(([k, v]) => flatten(v, `${key}.${k}`));
}

function displayScalar(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '(blank)' : maskUrlCredentials(value);
  return String(value);
}

/** `smtp://user:secret@host` -> `smtp://user:••••••@host` (a password written into a URL is still a password). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, `$1${Secret.mask}@`);
}
