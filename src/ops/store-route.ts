import { CdcStreamsError } from '../common/errors.js';
import type { OperableApp } from '../runtime/app-snapshot.js';
import { jsonReply, type OpsReply } from './ops-reply.js';

export const STORE_PATH_PREFIX = '/stores/';

/** The error code `OperableApp.queryStore` throws with when no store has the name asked for. */
export const UNKNOWN_STORE_CODE = 'UNKNOWN_STORE';

/** The error code `OperableApp.queryStore` throws with when the key cannot be one of that store's keys. */
export const BAD_STORE_KEY_CODE = 'BAD_STORE_KEY';

/** 421 Misdirected Request: the key's partition lives on another instance, named in `owner`. */
const MISDIRECTED = 421;

/**
 * `GET /stores/<store>/<key>` (both percent-decoded). `path` is the raw request path, not a parsed
 * URL's, so that a key such as `..` or `a/b` (sent as `a%2Fb`) is not rewritten on the way. Returns
 * undefined when the path is not a store query.
 */
export async function storeReply(app: OperableApp, path: string): Promise<OpsReply | undefined> {
  const owners = ownersReply(app, path);
  if (owners !== undefined) return owners;
  const parts = parseStorePath(path);
  if (parts === undefined) return undefined;
  if (parts === 'malformed') return jsonReply(400, { message: `malformed percent-encoding in ${path}` });
  const { store, key } = parts;
  try {
    const result = await app.queryStore(store, key);
    switch (result.kind) {
      case 'found':
        return jsonReply(200, { store, key, partition: result.partition, found: true, value: result.value });
      case 'not-found':
        return jsonReply(404, { store, key, partition: result.partition, found: false });
      case 'remote':
        // Answered, not forwarded or redirected: the client asks the owner itself (as Kafka Streams'
        // metadata lookup does), which cannot loop while a rebalance moves the partition.
        return result.owner === undefined
          ? jsonReply(
              503,
              { store, key, partition: result.partition, owner: null, message: result.reason ?? 'no instance owns this partition right now (rebalancing); retry shortly' },
              { 'retry-after': '1' },
            )
          : jsonReply(MISDIRECTED, { store, key, partition: result.partition, owner: result.owner, message: `key is held by instance ${result.owner}` });
    }
  } catch (error) {
    if (error instanceof CdcStreamsError && error.code === UNKNOWN_STORE_CODE) {
      return jsonReply(404, { store, key, message: `no queryable store named '${store}': ${error.message}` });
    }
    if (error instanceof CdcStreamsError && error.code === BAD_STORE_KEY_CODE) {
      return jsonReply(400, { store, key, message: error.message });
    }
    if (error instanceof CdcStreamsError && error.retriable) {
      return jsonReply(503, { store, key, message: error.message }, { 'retry-after': '1' });
    }
    throw error;
  }
}

/**
 * `GET /stores`: which instance holds which partition of every store; `GET /stores/<store>`: of one.
 * From the group's last assignment as this instance read it (docs/operations.md).
 */
function ownersReply(app: OperableApp, path: string): OpsReply | undefined {
  const name = ownersPathStore(path);
  // An application that does not report owners has no such endpoint.
  if (name === undefined || app.storeOwners === undefined) return undefined;
  const report = app.storeOwners();
  if (name === '') return jsonReply(200, report);
  let store: string;
  try {
    store = decodeURIComponent(name);
  } catch (error) {
    if (error instanceof URIError) return jsonReply(400, { message: `malformed percent-encoding in ${path}` });
    throw error;
  }
  const owners = report.stores.find((s) => s.store === store);
  if (owners === undefined) return jsonReply(404, { store, message: `no queryable store named '${store}'`, stores: report.stores.map((s) => s.store) });
  const { stores: _stores, ...group } = report;
  return jsonReply(200, { ...group, ...owners });
}

/** '' for `/stores`, the (encoded) store name for `/stores/<store>`, undefined for any other path. */
function ownersPathStore(path: string): string | undefined {
  if (path === STORE_PATH_PREFIX.slice(0, -1) || path === STORE_PATH_PREFIX) return '';
  if (!path.startsWith(STORE_PATH_PREFIX)) return undefined;
  const rest = path.slice(STORE_PATH_PREFIX.length).replace(/\/$/, '');
  return rest.includes('/') ? undefined : rest;
}

function parseStorePath(path: string): { store: string; key: string } | 'malformed' | undefined {
  if (!path.startsWith(STORE_PATH_PREFIX)) return undefined;
  const rest = path.slice(STORE_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  try {
    return { store: decodeURIComponent(rest.slice(0, slash)), key: decodeURIComponent(rest.slice(slash + 1)) };
  } catch (error) {
    if (error instanceof URIError) return 'malformed';
    throw error;
  }
}
