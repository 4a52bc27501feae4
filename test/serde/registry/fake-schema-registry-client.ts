import type { RegistryCompatibility, SchemaRegistryClient, SubjectVersion } from '../../../src/serde/registry/schema-registry-client.js';

/** An in-process registry: global ids shared across subjects, one id per distinct schema text. */
export class FakeSchemaRegistryClient implements SchemaRegistryClient {
  readonly url = 'fake://registry';
  readonly requests: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();

  async register(subject: string, schema: string): Promise<number> {
    this.requests.push(`register ${subject}`);
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(schema, id);
    }
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.some((v) => v.id === id)) versions.push({ version: versions.length + 1, id, schema });
    this.subjects.set(subject, versions);
    return id;
  }

  async schemaById(id: number): Promise<string | undefined> {
    this.requests.push(`schema ${id}`);
    return [...this.ids].find(([, known]) => known === id)?.[0];
  }

  async versions(subject: string): Promise<SubjectVersion[]> {
    return [...(this.subjects.get(subject) ?? [])];
  }

  async testCompatibility(): Promise<RegistryCompatibility> {
    return { compatible: true, messages: [] };
  }
}
