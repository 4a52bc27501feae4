import { startApicurio } from './apicurio/apicurio-process.js';

/**
 * A Confluent-compatible schema registry for integration tests: the one named by
 * SCHEMA_REGISTRY_URL if set (nothing is started), otherwise Apicurio Registry 3.x from Maven
 * Central (cached in $CDC_STREAMS_CACHE, $XDG_CACHE_HOME/cdc-streams or ~/.cache/cdc-streams).
 */
export async function startTestRegistry(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env['SCHEMA_REGISTRY_URL'];
  if (given !== undefined && given !== '') return { url: given, stop: async () => undefined };
  const registry = await startApicurio();
  return { url: registry.url, stop: () => registry.stop() };
}
