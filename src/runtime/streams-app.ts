import { ConfigError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { WorkerTopologySource } from './threads/worker-protocol.js';
import type { Topology } from '../topology/topology.js';
import { parseAppConfig, type AppConfig, type AppConfigInput } from './app-config.js';
import type { AppSnapshot, AppState, OperableApp, StoreQueryResult, StoreSize } from './app-snapshot.js';
import { topologyGraph, type TopologyGraph } from '../topology/topology-graph.js';
import { KafkaStreamsRuntime } from './kafka/kafka-streams-runtime.js';
import type { StoreOwnersReport } from './store-owners.js';

export interface StreamsAppOptions {
  readonly logger?: Logger;
  /** `host:port` of this instance's ops server, shared with the group for interactive queries. */
  readonly endpoint?: () => string | undefined;
  /**
   * Where stream threads (`numStreamThreads` > 1) get the topology: a module whose export
   * `topologyForWorker(args)` builds the same topology (functions cannot cross threads).
   */
  readonly workerTopology?: WorkerTopologySource;
}

/**
 * A topology running against Kafka. The configuration is validated in the constructor, before anything
 * connects; `start()` creates the internal topics, joins the group and starts processing; `close()`
 * finishes in-flight work, commits, closes stores and leaves the group.
 */
export class StreamsApp implements OperableApp {
  readonly config: AppConfig;
  private readonly runtime: KafkaStreamsRuntime;

  constructor(
    private readonly topology: Topology,
    config: AppConfigInput,
    options: StreamsAppOptions = {},
  ) {
    this.config = parseAppConfig(config);
    if (this.config.numStreamThreads > 1 && options.workerTopology === undefined) {
      throw new ConfigError(
        `numStreamThreads ${this.config.numStreamThreads} needs options.workerTopology: a module whose topologyForWorker(args) builds the topology in each thread (cdc-streams run passes its topology file)`,
      );
    }
    const logger = (options.logger ?? silentLogger).child({ applicationId: this.config.applicationId });
    this.runtime = new KafkaStreamsRuntime(topology, this.config, logger, options.endpoint ?? (() => this.config.advertisedEndpoint), options.workerTopology);
  }

  get state(): AppState {
    return this.runtime.lifecycle.state;
  }

  /** Resolves after `close()` has finished; rejects with the error if the application failed. */
  get stopped(): Promise<void> {
    return this.runtime.stopped;
  }

  async start(): Promise<void> {
    try {
      await this.runtime.start();
    } catch (error) {
      this.runtime.fail('starting the application failed', error);
      await this.runtime.stopped.catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  snapshot(): AppSnapshot {
    return this.runtime.snapshot();
  }

  queryStore(store: string, key: string): Promise<StoreQueryResult> {
    return this.runtime.queryStore(store, key);
  }

  storeOwners(): StoreOwnersReport {
    return this.runtime.storeOwners();
  }

  topologyGraph(): TopologyGraph {
    return topologyGraph(this.topology, this.config.applicationId);
  }

  storeSizes(): Promise<readonly StoreSize[]> {
    return this.runtime.storeSizes();
  }
}
