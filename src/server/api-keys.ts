import { createHash } from 'node:crypto';
import { SluiceError } from '../errors/sluice-error.js';

/** The owner of requests made when no keys are configured. */
export const ANONYMOUS_OWNER = 'anonymous';

function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const SCHEMES = /^(?:key|bearer)\s+(\S+)\s*$/i;

/**
 * The API keys a gateway accepts. Keys are held only as SHA-256 fingerprints, which also
 * name the owner of each request; comparing fingerprints in a set keeps lookups from
 * leaking key prefixes through timing.
 *
 * @example
 * const keys = new ApiKeys(['secret-1']);
 * keys.authenticate('Key secret-1'); // the owner's fingerprint
 */
export class ApiKeys {
  private readonly fingerprints: ReadonlySet<string>;

  constructor(keys: readonly string[]) {
    this.fingerprints = new Set(
      keys
        .map((key) => key.trim())
        .filter(Boolean)
        .map(fingerprint),
    );
  }

  get required(): boolean {
    return this.fingerprints.size > 0;
  }

  /** The owner for an `Authorization` header (`Key …` or `Bearer …`); throws `unauthorized`. */
  authenticate(header: string | undefined): string {
    if (!this.required) return ANONYMOUS_OWNER;
    const key = header?.match(SCHEMES)?.[1];
    if (!key)
      throw new SluiceError('unauthorized', 'Send an API key as "Authorization: Key <key>"');
    const owner = fingerprint(key);
    if (!this.fingerprints.has(owner))
      throw new SluiceError('unauthorized', 'The API key is not valid');
    return owner;
  }
}

/**
 * Reads keys from text: one per line or comma-separated; `#` starts a comment.
 *
 * @example
 * parseApiKeys('key-1\n# old: key-0\nkey-2'); // ['key-1', 'key-2']
 */
export function parseApiKeys(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}
