import { kafkaJarsCached } from './kafka-jars.js';
import { commandSucceeds } from './run-command.js';

/**
 * The tools a local broker needs that are not on the PATH: java always; Maven only while the jar
 * cache is empty; openssl for a secured broker's certificates.
 */
export async function missingLocalBrokerTools(cacheDir: string, options: { readonly secured?: boolean } = {}): Promise<string[]> {
  const missing: string[] = [];
  if (!(await commandSucceeds('java', ['-version'], 10_000))) missing.push('java');
  if (!kafkaJarsCached(cacheDir) && !(await commandSucceeds('mvn', ['-v'], 30_000))) missing.push('mvn');
  if (options.secured === true && !(await commandSucceeds('openssl', ['version'], 10_000))) missing.push('openssl');
  return missing;
}
