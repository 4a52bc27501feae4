import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { ORDER_EVENT_STATUSES, ORDER_EVENT_TYPES, type ExpectedOrder } from './expected-event.js';
import { GroundTruthFormatError } from './sim-errors.js';

/**
 * The ground-truth file: JSON lines. Line 1 is a header naming the format and the run (seed, timeout,
 * …); every further line is one order, `{"orderId":…,"events":[…]}`. Int64 values are already
 * decimal strings in {@link ExpectedOrder}, so plain JSON is exact.
 */
export const GROUND_TRUTH_FORMAT = 'cdc-streams/ground-truth';
export const GROUND_TRUTH_VERSION = 1;

export type GroundTruthMeta = Readonly<Record<string, string | number | boolean>>;

export interface GroundTruth {
  readonly meta: GroundTruthMeta;
  readonly orders: ReadonlyMap<string, ExpectedOrder>;
}

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);
const intString = z.string().regex(/^-?\d+$/);
const millis = z.number().int();

const eventSchema = z.strictObject({
  orderId: intString,
  seq: z.number().int().min(1),
  type: z.enum(ORDER_EVENT_TYPES),
  status: z.enum(ORDER_EVENT_STATUSES),
  amount: decimalString,
  userId: intString,
  skuId: intString,
  occurredAt: millis,
  afterExpiry: z.boolean(),
  late: z.boolean(),
  payment: z.nullable(
    z.strictObject({ paymentId: intString, channel: z.string(), amount: decimalString, paidAt: millis }),
  ),
  source: z.strictObject({ serverId: intString, gtid: z.string(), file: z.string(), position: intString }),
});
const orderSchema = z.strictObject({ orderId: intString, events: z.array(eventSchema) });
const headerSchema = z.strictObject({
  format: z.literal(GROUND_TRUTH_FORMAT),
  version: z.literal(GROUND_TRUTH_VERSION),
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export function formatGroundTruthHeader(meta: GroundTruthMeta): string {
  return JSON.stringify({ format: GROUND_TRUTH_FORMAT, version: GROUND_TRUTH_VERSION, meta });
}

export function formatGroundTruthLine(order: ExpectedOrder): string {
  return JSON.stringify(order);
}

/** Parses one order line; `where` names the file and line for the error message. */
export function parseGroundTruthLine(line: string, where: string): ExpectedOrder {
  const order = orderSchema.safeParse(parseJson(line, where));
  if (!order.success) throw new GroundTruthFormatError(`${where}: not a ground-truth order: ${z.prettifyError(order.error)}`);
  for (const event of order.data.events) {
    if (event.orderId !== order.data.orderId) {
      throw new GroundTruthFormatError(`${where}: event seq ${event.seq} has orderId ${event.orderId}, not ${order.data.orderId}`);
    }
  }
  return order.data;
}

export function parseGroundTruthHeader(line: string, where: string): GroundTruthMeta {
  const header = headerSchema.safeParse(parseJson(line, where));
  if (!header.success) {
    throw new GroundTruthFormatError(
      `${where}: not a ${GROUND_TRUTH_FORMAT} v${GROUND_TRUTH_VERSION} header: ${z.prettifyError(header.error)}`,
    );
  }
  return header.data.meta;
}

function parseJson(line: string, where: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    throw new GroundTruthFormatError(`${where}: not JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Writes the file as orders come (respecting back-pressure); returns how many orders it wrote. */
export async function writeGroundTruth(
  path: string,
  orders: Iterable<ExpectedOrder> | AsyncIterable<ExpectedOrder>,
  meta: GroundTruthMeta,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let failure: unknown;
  out.on('error', (error) => {
    failure = error;
  });
  let count = 0;
  const write = async (text: string): Promise<void> => {
    if (failure !== undefined) throw failure;
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    await write(`${formatGroundTruthHeader(meta)}\n`);
    for await (const order of orders) {
      await write(`${formatGroundTruthLine(order)}\n`);
      count++;
    }
  } finally {
    out.end();
  }
  await finished(out);
  if (failure !== undefined) throw failure;
  return count;
}

/** Reads a whole ground-truth file into memory, keyed by order id. */
export async function readGroundTruth(path: string): Promise<GroundTruth> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let meta: GroundTruthMeta | undefined;
  const orders = new Map<string, ExpectedOrder>();
  let number = 0;
  for await (const line of lines) {
    number++;
    const where = `${path}:${number}`;
    if (meta === undefined) {
      meta = parseGroundTruthHeader(line, where);
      continue;
    }
    if (line.trim() === '') continue;
    const order = parseGroundTruthLine(line, where);
    if (orders.has(order.orderId)) throw new GroundTruthFormatError(`${where}: order ${order.orderId} appears twice`);
    orders.set(order.orderId, order);
  }
  if (meta === undefined) throw new GroundTruthFormatError(`${path}: empty file, expected a ${GROUND_TRUTH_FORMAT} header`);
  return { meta, orders };
}
