import { toJson } from './json-body.js';

/** What a route answers; the server writes it. */
export interface OpsReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonReply(status: number, body: unknown, headers?: Readonly<Record<string, string>>): OpsReply {
  return { status, contentType: 'application/json; charset=utf-8', body: toJson(body), ...(headers === undefined ? {} : { headers }) };
}
