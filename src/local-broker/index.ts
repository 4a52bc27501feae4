export type { BrokerHandle, BrokerLog } from './broker-handle.js';
export {
  BrokerStartError,
  BrokerUnreachableError,
  KafkaJarsFetchError,
  NoBrokerAvailableError,
  PortTakenError,
} from './broker-errors.js';
export { ensureBroker, type EnsureBrokerOptions } from './ensure-broker.js';
export type { BrokerSecurityOptions, ScramMechanism, ScramUser, SecuredListeners } from './broker-security.js';
export { startSecuredBroker, type SecuredBrokerHandle, type SecuredBrokerOptions } from './secured-broker.js';
export { generateTlsMaterial, type TlsMaterial } from './tls-material.js';
export {
  localBrokerStatus,
  startLocalBroker,
  stopLocalBroker,
  type LocalBrokerOptions,
  type LocalBrokerStatus,
  type StopOutcome,
} from './detached-broker.js';
export type { BrokerRecord } from './run-record.js';
export { resolveCacheDir } from './cache-paths.js';
export { startRestartableBroker, type BrokerRestart, type RestartableBrokerHandle, type RestartableBrokerOptions } from './restartable-broker.js';
export { KAFKA_VERSION } from './kafka-version.js';
