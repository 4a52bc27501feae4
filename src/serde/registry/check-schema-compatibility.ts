import type avro from 'avsc';
import type { AvroSchemaCatalog } from '../avro/avro-schema-catalog.js';
import { findIncompatibilities } from '../avro/avro-compatibility.js';
import type { SchemaRegistryClient, SubjectVersion } from './schema-registry-client.js';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** One breaking change: which registered version it breaks against, in which direction, which field. */
export interface CompatibilityProblem {
  readonly version: number;
  /** `backward`: the new schema cannot read data of that version; `forward`: that version cannot read new data. */
  readonly direction: 'backward' | 'forward';
  readonly path: string;
  readonly reason: string;
}

export interface SubjectCompatibility {
  readonly subject: string;
  readonly typeName: string;
  /** `new`: the registry has no version of the subject yet, so anything is compatible. */
  readonly status: 'compatible' | 'incompatible' | 'new';
  readonly problems: readonly CompatibilityProblem[];
  /** The registry's own verdict by its configured level, and its messages (they may name the field too). */
  readonly registry: { readonly compatible: boolean; readonly messages: readonly string[] };
}

export interface CheckSchemaCompatibilityOptions {
  readonly client: SchemaRegistryClient;
  readonly schemas: AvroSchemaCatalog;
  readonly level?: CompatibilityLevel;
  /** Which subject holds which type; default: every top-level schema under its full name (RecordNameStrategy). */
  readonly subjects?: ReadonlyArray<{ readonly subject: string; readonly typeName: string }>;
}

/**
 * Compares the local schemas with what the registry holds. The verdict is computed locally, by Avro
 * schema resolution at the requested `level` (the registry's compatibility endpoint only applies the
 * level configured on the subject), so each problem names its field; the registry's own answer is
 * reported beside it.
 */
export async function checkSchemaCompatibility(options: CheckSchemaCompatibilityOptions): Promise<SubjectCompatibility[]> {
  const level = options.level ?? 'BACKWARD';
  const subjects =
    options.subjects ??
    options.schemas.schemas().flatMap(({ type }) => (type.name === undefined ? [] : [{ subject: type.name, typeName: type.name }]));
  const results: SubjectCompatibility[] = [];
  for (const { subject, typeName } of subjects) {
    const type = options.schemas.type(options.schemas.resolveName(typeName));
    const text = JSON.stringify(type.schema({ exportAttrs: true }));
    const versions = await options.client.versions(subject);
    if (versions.length === 0) {
      results.push({ subject, typeName, status: 'new', problems: [], registry: { compatible: true, messages: [] } });
      continue;
    }
    const registry = await options.client.testCompatibility(subject, text);
    const problems = localProblems(options.schemas, type, versions, level);
    results.push({ subject, typeName, status: problems.length === 0 ? 'compatible' : 'incompatible', problems, registry });
  }
  return results;
}

function localProblems(
  schemas: AvroSchemaCatalog,
  current: avro.Type,
  versions: readonly SubjectVersion[],
  level: CompatibilityLevel,
): CompatibilityProblem[] {
  if (level === 'NONE') return [];
  const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: CompatibilityProblem[] = [];
  for (const registered of against) {
    const old = schemas.parseDetached({ origin: `registry version ${registered.version}`, schema: JSON.parse(registered.schema) as unknown });
    if (backward) {
      for (const found of findIncompatibilities(current, old)) problems.push({ version: registered.version, direction: 'backward', ...found });
    }
    if (forward) {
      for (const found of findIncompatibilities(old, current)) problems.push({ version: registered.version, direction: 'forward', ...found });
    }
  }
  return problems;
}
