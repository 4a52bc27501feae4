/** One registered version of a subject. */
export interface SubjectVersion {
  readonly version: number;
  readonly id: number;
  /** The schema text, as registered. */
  readonly schema: string;
}

export interface RegistryCompatibility {
  readonly compatible: boolean;
  /** The registry's own explanation (Confluent `?verbose=true`), when it gives one. */
  readonly messages: readonly string[];
}

/**
 * What cdc-streams needs from a Confluent-compatible schema registry. The Avro serde depends on this
 * interface only, so unit tests use an in-process fake; `createSchemaRegistryClient` is the real one.
 * Implementations retry transient failures themselves and then throw `SchemaRegistryUnavailableError`.
 */
export interface SchemaRegistryClient {
  readonly url: string;
  /** Registers `schema` (Avro JSON text) under `subject`, or finds it if already there; returns its id. */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text of a global id; `undefined` if the registry has no such id. */
  schemaById(id: number): Promise<string | undefined>;
  /** Every version of `subject`, oldest first; empty if the subject does not exist. */
  versions(subject: string): Promise<SubjectVersion[]>;
  /** Whether the registry would accept `schema` as the next version of `subject`, by its configured level. */
  testCompatibility(subject: string, schema: string): Promise<RegistryCompatibility>;
}
