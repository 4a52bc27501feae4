const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

export interface NamedTypeUse {
  /** Full names this schema defines. */
  readonly defines: Set<string>;
  /** Full names it uses without defining them itself: types from other files. */
  readonly references: Set<string>;
}

function qualify(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? undefined : fullName.slice(0, dot);
}

/**
 * Which named types a schema (parsed JSON) defines and which it uses, following Avro's namespace
 * rules, so schema files can be loaded in dependency order.
 */
export function namedTypeUse(schema: unknown): NamedTypeUse {
  const defines = new Set<string>();
  const used = new Set<string>();
  const visit = (node: unknown, namespace: string | undefined): void => {
    if (typeof node === 'string') {
      if (!PRIMITIVES.has(node)) used.add(qualify(node, namespace));
      return;
    }
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, namespace);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const attrs = node as Record<string, unknown>;
    const type = attrs['type'];
    if (typeof type === 'string' && NAMED.has(type) && typeof attrs['name'] === 'string') {
      const own = typeof attrs['namespace'] === 'string' ? attrs['namespace'] : namespace;
      const fullName = qualify(attrs['name'], own);
      defines.add(fullName);
      const inner = namespaceOf(fullName);
      const fields = attrs['fields'];
      if (Array.isArray(fields)) {
        for (const field of fields) visit((field as Record<string, unknown> | null)?.['type'], inner);
      }
      return;
    }
    if (type === 'array') return visit(attrs['items'], namespace);
    if (type === 'map') return visit(attrs['values'], namespace);
    visit(type, namespace);
  };
  visit(schema, undefined);
  const references = new Set([...used].filter((name) => !defines.has(name)));
  return { defines, references };
}
