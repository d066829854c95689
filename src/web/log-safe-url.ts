/** Request URLs as they may appear in a log line: sign-in tokens replaced, everything else as is. */
export function logSafeUrl(url: string): string {
  return url.replace(/^\/sign-in\/[^/?#]+/, '/sign-in/[token]');
}
