import { homedir } from 'node:os';
import { startAttachedLocalBroker } from './attached-broker.js';
import { NoBrokerAvailableError } from './broker-errors.js';
import type { BrokerHandle, BrokerLog } from './broker-handle.js';
import { validateSecurity, type BrokerSecurityOptions, type SecuredListeners } from './broker-security.js';
import { resolveCacheDir } from './cache-paths.js';
import { missingLocalBrokerTools } from './missing-tools.js';

export interface SecuredBrokerOptions extends BrokerSecurityOptions {
  /** Defaults to process.env; read for the cache location only. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cacheDir?: string;
  readonly log?: BrokerLog;
}

export type SecuredBrokerHandle = BrokerHandle & { readonly secured: SecuredListeners };

/**
 * A local broker with secured listeners (SASL_SSL with SCRAM users, SSL with client certificates, or
 * both) beside its plain one, living no longer than this process. Always started here: KAFKA_BROKERS
 * and Docker are not used, since their listeners are not ours to set up.
 */
export async function startSecuredBroker(options: SecuredBrokerOptions): Promise<SecuredBrokerHandle> {
  const security: BrokerSecurityOptions = {
    ...(options.scramUsers === undefined ? {} : { scramUsers: options.scramUsers }),
    ...(options.mutualTls === undefined ? {} : { mutualTls: options.mutualTls }),
  };
  validateSecurity(security);
  const cacheDir = options.cacheDir ?? resolveCacheDir(options.env ?? process.env, homedir());
  const missing = await missingLocalBrokerTools(cacheDir, { secured: true });
  if (missing.length > 0) {
    throw new NoBrokerAvailableError(
      `a secured local broker needs java, openssl and (while the jar cache is empty) mvn; not on the PATH: ${missing.join(', ')}`,
    );
  }
  const handle = await startAttachedLocalBroker({ cacheDir, log: options.log ?? (() => undefined), security });
  const { secured } = handle;
  if (secured === undefined) {
    await handle.stop();
    throw new Error('the local broker was started without the secured listeners it was asked for');
  }
  return { ...handle, secured };
}
