import { toAsciiJson } from '../ascii-json.js';
import type { EventType, LoggedEvent } from '../event-types.js';

/** Keys the typed dialect sets itself; an object payload holding one of them is nested whole. */
const OWN_KEYS = ['type', 'done', 'total_steps', 'error'] as const;
/** One pass over the JSON (four `includes` calls cost ten times more). */
const MAY_CLASH = new RegExp(`"(?:${OWN_KEYS.join('|')})":`);

/** `{` */
const OPEN_BRACE = 0x7b;

function isPlainObjectJson(json: string): boolean {
  return json.length >= 2 && json.startsWith('{');
}

function mayClash(json: string): boolean {
  return MAY_CLASH.test(json);
}

/** Whether the payload's own top level uses a key the dialect sets. */
function hasOwnKeyClash(json: string): boolean {
  if (!mayClash(json)) return false;
  const payload = JSON.parse(json) as Record<string, unknown>;
  return OWN_KEYS.some((key) => Object.hasOwn(payload, key));
}

/** `{"type":…,<head fields>,<the payload's fields>}`, or the payload under `data` when it cannot merge. */
function merge(head: string, json: string): string {
  if (!isPlainObjectJson(json) || hasOwnKeyClash(json)) return `{${head},"data":${json}}`;
  return json === '{}' ? `{${head}}` : `{${head},${json.slice(1)}`;
}

function typeField(type: EventType): string {
  return `"type":"${type}"`;
}

interface ProgressFields {
  readonly step: number;
  readonly total: number;
}

function progressJson(json: string): string {
  const { total } = JSON.parse(json) as ProgressFields;
  return `{${typeField('progress')},"total_steps":${toAsciiJson(total)},${json.slice(1)}`;
}

interface ErrorFields {
  readonly message: string;
}

function errorJson(json: string): string {
  const { message } = JSON.parse(json) as ErrorFields;
  return `{${typeField('error')},"error":${toAsciiJson(message)},${json.slice(1)}`;
}

/**
 * The JSON of one event in the typed dialect: its payload's fields after `"type"`.
 * `progress` adds `total_steps` (its `total`), `result` adds `"done":true`, `error` adds
 * `error` (its message). A payload that is not an object, or whose own fields include one
 * of those keys, is carried whole under `data`. ASCII-only, like every payload.
 *
 * @example
 * typedJson({ seq: 3, type: 'progress', json: '{"step":5,"total":50}' });
 * // '{"type":"progress","total_steps":50,"step":5,"total":50}'
 */
export function typedJson(event: Pick<LoggedEvent, 'type' | 'json'>): string {
  switch (event.type) {
    case 'progress':
      return progressJson(event.json);
    case 'error':
      return errorJson(event.json);
    case 'result':
      return merge(`${typeField('result')},"done":true`, event.json);
    case 'preview':
    case 'output':
    case 'log':
      return merge(typeField(event.type), event.json);
  }
}

/** What a merged frame starts with, per kind, built once: `data: {"type":"output",`. */
const MERGED_HEADS: Readonly<Partial<Record<EventType, string>>> = {
  output: `data: {${typeField('output')},`,
  preview: `data: {${typeField('preview')},`,
  log: `data: {${typeField('log')},`,
  result: `data: {${typeField('result')},"done":true,`,
};

/**
 * One event's whole frame in the typed dialect, `data: {"type": …, …}\n\n`. The common
 * case, an object payload with fields and none of the dialect's own keys, splices the head
 * into the logged JSON after its `{` without parsing it; the rest goes through
 * {@link typedJson}.
 *
 * @example
 * typedFrame({ seq: 3, type: 'output', json: '{"token":"hi"}' });
 * // 'data: {"type":"output","token":"hi"}\n\n'
 */
export function typedFrame(event: Pick<LoggedEvent, 'type' | 'json'>): string {
  const head = MERGED_HEADS[event.type];
  const { json } = event;
  if (head !== undefined && json.length > 2 && json.charCodeAt(0) === OPEN_BRACE && !mayClash(json))
    return head + json.slice(1) + '\n\n';
  return `data: ${typedJson(event)}\n\n`;
}
