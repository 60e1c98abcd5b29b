import { createHash } from 'node:crypto';
import { SluiceError } from '../errors/sluice-error.js';

/** How a request sends its key: both are accepted everywhere; a refusal names one. */
export type AuthScheme = 'Key' | 'Bearer';

/** The owner of requests made when no keys are configured. */
export const ANONYMOUS_OWNER = 'anonymous';

function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const SCHEMES = /^(?:key|bearer)\s+(\S+)\s*$/i;

/** What an `Authorization` header can carry as one key: printable ASCII, no spaces. */
const PRINTABLE_KEY = /^[\x21-\x7e]+$/;

/**
 * Throws unless `key` could ever authenticate: a key with a space, a control character or a
 * non-ASCII character could never match a header, so it is refused at load, not ignored.
 * The message names where the key came from, never the key.
 */
function checkKey(key: string, origin: string): void {
  if (!PRINTABLE_KEY.test(key)) {
    throw new TypeError(
      `${origin}: an API key may hold only printable ASCII characters, without spaces`,
    );
  }
}

/**
 * The API keys a gateway accepts. Keys are held only as SHA-256 fingerprints, which also
 * name the owner of each request; comparing fingerprints in a set keeps lookups from
 * leaking key prefixes through timing. Surrounding whitespace is trimmed and empty keys are
 * skipped; a key that no header could carry throws a `TypeError`.
 *
 * @example
 * const keys = new ApiKeys(['secret-1']);
 * keys.authenticate('Key secret-1'); // the owner's fingerprint
 */
export class ApiKeys {
  private readonly fingerprints: ReadonlySet<string>;

  constructor(keys: readonly string[]) {
    const trimmed = keys.map((key) => key.trim()).filter(Boolean);
    trimmed.forEach((key, index) => checkKey(key, `apiKeys[${index}]`));
    this.fingerprints = new Set(trimmed.map(fingerprint));
  }

  get required(): boolean {
    return this.fingerprints.size > 0;
  }

  /**
   * The owner for an `Authorization` header (`Key …` or `Bearer …`); throws `unauthorized`,
   * asking for the key in `scheme` when there is none.
   */
  authenticate(header: string | undefined, scheme: AuthScheme = 'Key'): string {
    if (!this.required) return ANONYMOUS_OWNER;
    const key = header?.match(SCHEMES)?.[1];
    if (!key)
      throw new SluiceError('unauthorized', `Send an API key as "Authorization: ${scheme} <key>"`);
    const owner = fingerprint(key);
    if (!this.fingerprints.has(owner))
      throw new SluiceError('unauthorized', 'The API key is not valid');
    return owner;
  }

  /** Whether an `Authorization` header holds one of the keys (never, when none are configured). */
  accepts(header: string | undefined): boolean {
    const key = header?.match(SCHEMES)?.[1];
    return this.required && key !== undefined && this.fingerprints.has(fingerprint(key));
  }
}

/**
 * Reads a keys file: one key per line, the whole line trimmed. A line whose first non-space
 * character is `#` is a comment and blank lines are skipped; there are no inline comments
 * and no comma splitting, so `#` and `,` inside a key are part of it. A key with a space or
 * a character outside printable ASCII throws a `TypeError` naming its line (not the key).
 *
 * @example
 * parseKeysFile('key-1\n# old: key-0\nkey#2,x'); // ['key-1', 'key#2,x']
 */
export function parseKeysFile(text: string, source = 'keys file'): string[] {
  const keys: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const key = line.trim();
    if (key === '' || key.startsWith('#')) return;
    checkKey(key, `${source}, line ${index + 1}`);
    keys.push(key);
  });
  return keys;
}

/**
 * Reads a comma-separated list of keys (`SLUICE_API_KEYS`), each trimmed; a key that holds
 * a comma belongs in a keys file. A key no header could carry throws a `TypeError`.
 *
 * @example
 * parseKeyList('key-1, key-2'); // ['key-1', 'key-2']
 */
export function parseKeyList(text: string, source = 'SLUICE_API_KEYS'): string[] {
  const keys = text
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  keys.forEach((key, index) => checkKey(key, `${source}, key ${index + 1}`));
  return keys;
}
