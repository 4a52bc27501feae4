import type { Headers } from '../../common/headers.js';
import type { InputRecord, OutputRecord } from '../task/input-record.js';

/**
 * Records between threads as one buffer, whose ArrayBuffer is transferred rather than copied, instead
 * of arrays of objects whose Buffers the structured clone would copy one by one (and hand over as plain
 * Uint8Arrays). Decoded keys, values and header values are views into that one buffer.
 *
 * Layout: u32 count, then per record: str topic, u32 partition, str offset, str endOffset ('' none),
 * bytes key (u32 length, 0xFFFFFFFF for null), bytes value, f64 timestamp, u16 header count, per header
 * str name, u8 kind (0 text, 1 bytes), then the text or bytes. `str` is a u32 byte length and UTF-8.
 * A changelog write adds str store after the headers (`withStore`).
 */
const NULL_LENGTH = 0xffffffff;

export interface EncodedRecords {
  readonly buffer: ArrayBuffer;
}

class Writer {
  private buffer: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(64, size));
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }

  u8(value: number): void {
    this.room(1);
    this.buffer[this.at++] = value;
  }

  u16(value: number): void {
    this.room(2);
    this.buffer.writeUInt16BE(value, this.at);
    this.at += 2;
  }

  u32(value: number): void {
    this.room(4);
    this.buffer.writeUInt32BE(value, this.at);
    this.at += 4;
  }

  f64(value: number): void {
    this.room(8);
    this.buffer.writeDoubleBE(value, this.at);
    this.at += 8;
  }

  str(value: string): void {
    const bytes = Buffer.byteLength(value);
    this.u32(bytes);
    this.room(bytes);
    this.buffer.write(value, this.at, 'utf8');
    this.at += bytes;
  }

  bytes(value: Uint8Array | null): void {
    if (value === null) {
      this.u32(NULL_LENGTH);
      return;
    }
    this.u32(value.length);
    this.room(value.length);
    this.buffer.set(value, this.at);
    this.at += value.length;
  }

  finish(): ArrayBuffer {
    const { buffer } = this.buffer;
    // allocUnsafeSlow owns its ArrayBuffer alone; slice only when the tail is big enough to matter.
    return this.at === buffer.byteLength || buffer.byteLength - this.at < 4096 ? (buffer as ArrayBuffer) : (buffer.slice(0, this.at) as ArrayBuffer);
  }
}

class Reader {
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  u8(): number {
    return this.buffer[this.at++]!;
  }

  u16(): number {
    const value = this.buffer.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  u32(): number {
    const value = this.buffer.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  f64(): number {
    const value = this.buffer.readDoubleBE(this.at);
    this.at += 8;
    return value;
  }

  str(): string {
    const length = this.u32();
    const value = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  bytes(): Buffer | null {
    const length = this.u32();
    if (length === NULL_LENGTH) return null;
    const value = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return value;
  }
}

function sizeOf(records: readonly OutputRecord[]): number {
  let size = 4;
  for (const r of records) size += 64 + r.topic.length + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  return size;
}

function writeHeaders(writer: Writer, headers: Headers): void {
  let count = 0;
  for (const name in headers) if (headers[name] !== undefined) count++;
  writer.u16(count);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    writer.str(name);
    if (typeof value === 'string') {
      writer.u8(0);
      writer.str(value);
    } else {
      writer.u8(1);
      writer.bytes(value);
    }
  }
}

function readHeaders(reader: Reader): Headers {
  const headers: Headers = {};
  const count = reader.u16();
  for (let i = 0; i < count; i++) {
    const name = reader.str();
    headers[name] = reader.u8() === 0 ? reader.str() : (reader.bytes() ?? Buffer.alloc(0));
  }
  return headers;
}

export function encodeInputRecords(records: readonly InputRecord[]): ArrayBuffer {
  const writer = new Writer(sizeOf(records));
  writer.u32(records.length);
  for (const r of records) {
    writer.str(r.topic);
    writer.u32(r.partition);
    writer.str(r.offset);
    writer.str(r.endOffset ?? '');
    writer.bytes(r.key);
    writer.bytes(r.value);
    writer.f64(r.timestamp);
    writeHeaders(writer, r.headers);
  }
  return writer.finish();
}

export function decodeInputRecords(buffer: ArrayBuffer): InputRecord[] {
  const reader = new Reader(Buffer.from(buffer));
  const count = reader.u32();
  const records: InputRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const topic = reader.str();
    const partition = reader.u32();
    const offset = reader.str();
    const endOffset = reader.str();
    const key = reader.bytes();
    const value = reader.bytes();
    const timestamp = reader.f64();
    const headers = readHeaders(reader);
    records[i] = endOffset === '' ? { topic, partition, offset, key, value, timestamp, headers } : { topic, partition, offset, endOffset, key, value, timestamp, headers };
  }
  return records;
}

/** Output records; with `stores`, each record's store name too (changelog writes). */
export function encodeOutputRecords(records: readonly OutputRecord[], stores?: readonly string[]): ArrayBuffer {
  const writer = new Writer(sizeOf(records));
  writer.u32(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    writer.str(r.topic);
    writer.u32(r.partition);
    writer.bytes(r.key);
    writer.bytes(r.value);
    writer.f64(r.timestamp);
    writeHeaders(writer, r.headers);
    if (stores !== undefined) writer.str(stores[i] ?? '');
  }
  return writer.finish();
}

export function decodeOutputRecords(buffer: ArrayBuffer): OutputRecord[];
export function decodeOutputRecords(buffer: ArrayBuffer, withStore: true): Array<OutputRecord & { store: string }>;
export function decodeOutputRecords(buffer: ArrayBuffer, withStore = false): OutputRecord[] {
  const reader = new Reader(Buffer.from(buffer));
  const count = reader.u32();
  const records: OutputRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const topic = reader.str();
    const partition = reader.u32();
    const key = reader.bytes();
    const value = reader.bytes();
    const timestamp = reader.f64();
    const headers = readHeaders(reader);
    const record: OutputRecord = { topic, partition, key, value, timestamp, headers };
    records[i] = withStore ? Object.assign(record, { store: reader.str() }) : record;
  }
  return records;
}
