import { basename } from 'node:path';
import avro from 'avsc';
import { AvroSchemaError } from './avro-errors.js';
import { type AvroLongs, avroTypeOptions } from './avro-type-options.js';
import { singleObjectFingerprint } from './fingerprint.js';
import { namedTypeUse } from './named-types.js';

/** One schema document and where it came from (a file path), for error messages. */
export interface AvroSchemaSource {
  readonly origin: string;
  readonly schema: unknown;
}

export interface AvroSchemaCatalogOptions {
  readonly longs?: AvroLongs;
  /**
   * Older versions of the schemas, known only as writers: single-object decoding finds them by
   * fingerprint and resolves them into the current version. Each may use named types of the current
   * schemas that it does not define itself.
   */
  readonly history?: readonly AvroSchemaSource[];
}

/**
 * The Avro types of a `schemas/` folder: every named type by full name, and every schema a record
 * may have been written with (the current ones and their history) by single-object fingerprint.
 */
export class AvroSchemaCatalog {
  readonly longs: AvroLongs;
  private readonly named: Record<string, avro.Type> = {};
  private readonly byFingerprint = new Map<string, avro.Type>();
  private readonly topLevel: Array<{ origin: string; type: avro.Type }> = [];

  constructor(sources: readonly AvroSchemaSource[], options: AvroSchemaCatalogOptions = {}) {
    this.longs = options.longs ?? 'number';
    for (const source of dependencyOrder(sources)) {
      const type = parse(source, avroTypeOptions(this.named, this.longs));
      this.topLevel.push({ origin: source.origin, type });
    }
    for (const type of Object.values(this.named)) this.addWriter(type);
    for (const source of options.history ?? []) this.addWriter(this.parseDetached(source));
  }

  /** The current type with this full name (e.g. `sale.OrderEvent`). */
  type(fullName: string): avro.Type {
    const type = this.named[fullName];
    if (type === undefined) {
      const known = Object.keys(this.named).filter((name) => name !== 'long');
      throw new AvroSchemaError(`no Avro type named ${fullName}; known: ${known.sort().join(', ')}`);
    }
    return type;
  }

  /** A full name as is; a schema file name (`order-event`) as the full name of the type that file defines. */
  resolveName(nameOrFile: string): string {
    if (this.named[nameOrFile] !== undefined) return nameOrFile;
    const file = this.topLevel.find((entry) => basename(entry.origin).replace(/\.avsc$/, '') === nameOrFile);
    return file?.type.name ?? nameOrFile;
  }

  /** A type one file defines at its top level, in load order; what a compatibility check walks. */
  schemas(): ReadonlyArray<{ origin: string; type: avro.Type }> {
    return this.topLevel;
  }

  writerByFingerprint(fingerprintHex: string): avro.Type | undefined {
    return this.byFingerprint.get(fingerprintHex);
  }

  /**
   * Parses a schema that arrived from outside (a registry, a history file) in a registry of its
   * own, seeded with the current named types it uses but does not define, so its versions of our
   * types never clash with ours.
   */
  parseDetached(source: AvroSchemaSource): avro.Type {
    const use = namedTypeUse(source.schema);
    const registry: Record<string, avro.Type> = {};
    for (const name of use.references) {
      const type = this.named[name];
      if (type !== undefined) registry[name] = type;
    }
    return parse(source, avroTypeOptions(registry, this.longs));
  }

  private addWriter(type: avro.Type): void {
    if (type.name === undefined) return;
    this.byFingerprint.set(singleObjectFingerprint(type).toString('hex'), type);
  }
}

function parse(source: AvroSchemaSource, options: Partial<avro.ForSchemaOptions>): avro.Type {
  try {
    return avro.Type.forSchema(source.schema as avro.Schema, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AvroSchemaError(`invalid Avro schema in ${source.origin}: ${reason}`, error);
  }
}

/** Files that define a type come before files that use it; a cycle or a missing type is named. */
function dependencyOrder(sources: readonly AvroSchemaSource[]): AvroSchemaSource[] {
  const uses = sources.map((source) => ({ source, ...namedTypeUse(source.schema) }));
  const definedBy = new Map<string, string>();
  for (const use of uses) {
    for (const name of use.defines) {
      const other = definedBy.get(name);
      if (other !== undefined) throw new AvroSchemaError(`${name} is defined twice: in ${other} and ${use.source.origin}`);
      definedBy.set(name, use.source.origin);
    }
  }
  const ordered: AvroSchemaSource[] = [];
  const loaded = new Set<string>();
  let pending = uses;
  while (pending.length > 0) {
    const ready = pending.filter((use) => [...use.references].every((name) => loaded.has(name)));
    if (ready.length === 0) {
      const first = pending[0];
      const missing = first === undefined ? [] : [...first.references].filter((name) => !loaded.has(name));
      const undefinedNames = missing.filter((name) => !definedBy.has(name));
      const reason = undefinedNames.length > 0 ? `undefined type ${undefinedNames.join(', ')}` : `circular reference via ${missing.join(', ')}`;
      throw new AvroSchemaError(`cannot load ${first?.source.origin ?? 'schemas'}: ${reason}`);
    }
    for (const use of ready) {
      ordered.push(use.source);
      for (const name of use.defines) loaded.add(name);
    }
    pending = pending.filter((use) => !ready.includes(use));
  }
  return ordered;
}
