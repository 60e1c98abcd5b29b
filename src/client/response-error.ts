import { isErrorCode, type ErrorCode } from '../errors/error-codes.js';
import type { FieldError, SluiceError } from '../errors/sluice-error.js';
import { clientError } from './client-error.js';

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_json',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  410: 'request_expired',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_input',
  429: 'overloaded',
  499: 'cancelled',
  500: 'internal',
  502: 'app_unavailable',
  503: 'app_unavailable',
  504: 'timeout',
};

interface ParsedBody {
  readonly code: ErrorCode | undefined;
  readonly message: string | undefined;
  readonly fields: readonly FieldError[] | undefined;
}

function parseBody(text: string): ParsedBody {
  try {
    const body = JSON.parse(text) as { code?: unknown; error_type?: unknown; detail?: unknown };
    const code = isErrorCode(body.code) ? body.code : undefined;
    const fallback = isErrorCode(body.error_type) ? body.error_type : undefined;
    const detail = body.detail;
    const fields = Array.isArray(detail) ? (detail as FieldError[]) : undefined;
    const message =
      typeof detail === 'string' ? detail : fields ? describeFields(fields) : undefined;
    return { code: code ?? fallback, message, fields };
  } catch {
    return { code: undefined, message: undefined, fields: undefined };
  }
}

function describeFields(fields: readonly FieldError[]): string {
  const first = fields[0];
  if (!first) return 'Invalid input';
  const where = Array.isArray(first.loc) ? first.loc.join('.') : '';
  return `Invalid input: ${where} ${String(first.msg)}`.trim();
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * The {@link SluiceError} of a non-2xx answer, from its `{detail, error_type, code}` body;
 * `fields` keeps a 422's field list. A body that is not sluice's falls back on the status.
 *
 * @example
 * if (!response.ok) throw await errorFromResponse(response);
 */
export async function errorFromResponse(
  response: Response,
  requestId?: string,
): Promise<SluiceError> {
  const text = await response.text().catch(() => '');
  const parsed = parseBody(text);
  const code = parsed.code ?? CODE_OF_STATUS[response.status] ?? 'internal';
  const id = response.headers.get('x-request-id') ?? requestId;
  return clientError(code, parsed.message ?? `The server answered ${response.status}`, {
    requestId: id ?? undefined,
    fields: parsed.fields,
    retryAfterSeconds: retryAfter(response),
  });
}

/**
 * Whether a resume that got this status may try again: a server error, `overloaded` or a
 * request timeout may pass; a request that is gone, forbidden or malformed will not.
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(404); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
