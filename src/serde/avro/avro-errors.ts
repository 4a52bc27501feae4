import { CdcStreamsError } from '../../common/errors.js';
import type { SerdeContext } from '../serde.js';
import { describeSerdeContext } from '../serde-context.js';

function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A schema file that cannot be used: bad JSON, an undefined type name, bad decimal attributes. */
export class AvroSchemaError extends CdcStreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'AVRO_SCHEMA', cause });
  }
}

/** A decimal outside its precision/scale, or not an exact decimal string. */
export class DecimalValueError extends CdcStreamsError {
  constructor(message: string) {
    super(message, { code: 'AVRO_DECIMAL' });
  }
}

/** Producer side: the value does not match its schema. `fieldPath` is e.g. `payment.amount`. */
export class AvroSchemaMismatchError extends CdcStreamsError {
  readonly fieldPath: string;

  constructor(typeName: string, fieldPath: string, detail: string, context: SerdeContext) {
    const where = fieldPath === '' ? 'the record itself' : `field ${fieldPath}`;
    super(`value for ${describeSerdeContext(context)} does not match ${typeName}: ${where} ${detail}`, {
      code: 'AVRO_SCHEMA_MISMATCH',
    });
    this.fieldPath = fieldPath;
  }
}

/** The first byte says the record is not in the expected encoding (Confluent 0x00, single-object 0xC3 0x01). */
export class WrongMagicByteError extends CdcStreamsError {
  constructor(expected: string, found: string, context: SerdeContext) {
    super(`not an Avro record at ${describeSerdeContext(context)}: expected ${expected}, found ${found}`, {
      code: 'AVRO_WRONG_MAGIC_BYTE',
    });
  }
}

/** The record ends before its header or body does. */
export class TruncatedAvroError extends CdcStreamsError {
  constructor(detail: string, context: SerdeContext) {
    super(`truncated Avro record at ${describeSerdeContext(context)}: ${detail}`, { code: 'AVRO_TRUNCATED' });
  }
}

/** The body does not decode with its writer schema (bad union or enum index, trailing bytes, bad decimal). */
export class InvalidAvroBodyError extends CdcStreamsError {
  constructor(typeName: string, context: SerdeContext, cause: unknown) {
    super(`invalid ${typeName} body at ${describeSerdeContext(context)}: ${reasonOf(cause)}`, {
      code: 'AVRO_INVALID_BODY',
      cause,
    });
  }
}

/**
 * A schema id the serde has not prepared (call `prepare` with the batch first) or the registry does
 * not know. Not retriable from `deserialize`: that must stay synchronous.
 */
export class UnknownSchemaIdError extends CdcStreamsError {
  readonly schemaId: number;

  constructor(schemaId: number, reason: string, context: SerdeContext) {
    super(`unknown schema id ${schemaId} at ${describeSerdeContext(context)}: ${reason}`, {
      code: 'AVRO_UNKNOWN_SCHEMA_ID',
    });
    this.schemaId = schemaId;
  }
}

/** Single-object encoding: no schema in schemas/ (or its history) has this fingerprint. */
export class UnknownSchemaFingerprintError extends CdcStreamsError {
  constructor(fingerprint: string, context: SerdeContext) {
    super(`no known schema has fingerprint ${fingerprint} (record at ${describeSerdeContext(context)})`, {
      code: 'AVRO_UNKNOWN_FINGERPRINT',
    });
  }
}

/** The writer's schema cannot be read as the reader's: the schemas evolved incompatibly. */
export class IncompatibleWriterSchemaError extends CdcStreamsError {
  constructor(writer: string, reader: string, detail: string, context: SerdeContext) {
    super(`cannot read ${writer} as ${reader} at ${describeSerdeContext(context)}: ${detail}`, {
      code: 'AVRO_INCOMPATIBLE_WRITER',
    });
  }
}
