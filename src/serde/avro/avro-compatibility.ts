import avro from 'avsc';

/** Why data written with one schema cannot be read with another, and where: `payment.amount`. */
export interface SchemaIncompatibility {
  readonly path: string;
  readonly reason: string;
}

export function describeType(type: avro.Type): string {
  if (type instanceof avro.types.UnwrappedUnionType || type instanceof avro.types.WrappedUnionType) {
    return `union [${type.types.map(describeType).join(', ')}]`;
  }
  return type.name ?? type.typeName;
}

function canResolve(reader: avro.Type, writer: avro.Type): Error | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    // avsc signals "not resolvable" only by throwing; the error is returned as the finding.
    return error instanceof Error ? error : new Error(String(error));
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * Everything that stops `reader` from reading data written with `writer` (Avro schema resolution),
 * each named by its field path. Empty means compatible. avsc only says "cannot resolve"; walking the
 * records field by field is what names the breaking field.
 */
export function findIncompatibilities(reader: avro.Type, writer: avro.Type, path = ''): SchemaIncompatibility[] {
  const failure = canResolve(reader, writer);
  if (failure === undefined) return [];
  if (reader instanceof avro.types.RecordType && writer instanceof avro.types.RecordType) {
    const found: SchemaIncompatibility[] = [];
    for (const field of reader.fields) {
      const names = [field.name, ...(field.aliases ?? [])];
      const written = writer.fields.find((w) => names.includes(w.name));
      const fieldPath = join(path, field.name);
      if (written === undefined) {
        if (field.defaultValue() === undefined) found.push({ path: fieldPath, reason: 'is new and has no default' });
        continue;
      }
      found.push(...findIncompatibilities(field.type, written.type, fieldPath));
    }
    if (found.length > 0) return found;
  }
  if (reader instanceof avro.types.EnumType && writer instanceof avro.types.EnumType) {
    const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
    if (missing.length > 0) return [{ path, reason: `lost enum symbols ${missing.join(', ')}` }];
  }
  return [{ path, reason: `${describeType(writer)} cannot be read as ${describeType(reader)} (${failure.message})` }];
}

export function formatIncompatibilities(found: readonly SchemaIncompatibility[]): string {
  return found.map((f) => (f.path === '' ? f.reason : `field ${f.path} ${f.reason}`)).join('; ');
}
