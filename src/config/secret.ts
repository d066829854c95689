/**
 * A configured secret. Its value is only reachable through `reveal()`; every way a value can end up
 * in a log, page, email or JSON (String(), JSON.stringify, util.inspect) prints a mask instead.
 */
export class Secret {
  static readonly mask = '••••••';
  readonly #value: string;
  /** Where the value came from, safe to show: `env IC_CLIENT_SECRET` or `file /run/secrets/x`. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return Secret.mask;
  }

  toJSON(): string {
    return Secret.mask;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`;
  }
}

/** Collects every secret value of a resolved config, for scrubbing text that left our hands (IC error bodies). */
export function secretValues(value: unknown, found: string[] = []): string[] {
  if (value instanceof Secret) {
    if (value.reveal().length >= 4) found.push(value.reveal());
  } else if (Array.isArray(value)) {
    for (const item of value) secretValues(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) secretValues(item, found);
  }
  return found;
}

/** Replaces every occurrence of a secret value in `text` with the mask. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(Secret.mask);
  return scrubbed;
}
