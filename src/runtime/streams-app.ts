import { ConfigError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { WorkerTopologySource } from './threads/worker-protocol.js';
import type { Topology } from '../topology/topology.js';
import { parseAppConfig, type AppConfig, type AppConfigInput } from './app-config.js';
import type { AppSnapshot, AppState, OperableApp, StoreQueryResult, StoreSize } from './app-snapshot.js';
import { topologyGraph, type TopologyGraph } from '../topology/topology-graph.js';
import { KafkaStreamsRuntime } from './kafka/kafka-streams-runtime.js';
import { isBrokerUnreachable } from './kafka/kafka-connect-errors.js';
import type { StoreOwnersReport } from './store-owners.js';

/** The wait before the first new runtime after the broker was lost; it doubles up to the maximum. */
const REPLACE_BACKOFF_FIRST_MS = 1_000;
const REPLACE_BACKOFF_MAX_MS = 10_000;

type RuntimeOutcome = { readonly failed: false } | { readonly failed: true; readonly error: unknown };

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
 *
 * A runtime that fails because the broker could not be reached (a broker restart) has already shut
 * itself down, as a crash would have (transactions aborted, stores closed); the app then builds a new
 * one and starts it, with a backoff, for up to `brokerLossTimeoutMs` (Kafka Streams' REPLACE_THREAD).
 * Its producers fence the old transactional ids and its stores reopen at their last commit, as after
 * a SIGKILL and a restart. Any other failure, and the first start's, stops the app.
 */
export class StreamsApp implements OperableApp {
  readonly config: AppConfig;
  private runtime: KafkaStreamsRuntime;
  private readonly logger: Logger;
  private readonly newRuntime: () => KafkaStreamsRuntime;
  private readonly stoppedPromise: Promise<void>;
  private hasStarted = false;
  private closeRequested = false;
  /** A runtime failed because the broker was unreachable and is being replaced. */
  private replacing = false;
  /** `close()` found the current runtime failed already (its shutdown still under way). */
  private closedAfterFailure = false;
  /** Set while the app waits before starting a new runtime: `close()` calls it to end the wait. */
  private endWait: (() => void) | undefined;

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
    const endpoint = options.endpoint ?? (() => this.config.advertisedEndpoint);
    this.logger = logger;
    this.newRuntime = () => new KafkaStreamsRuntime(topology, this.config, logger, endpoint, options.workerTopology);
    this.runtime = this.newRuntime();
    this.stoppedPromise = this.supervise();
    // A failure is reported through `stopped`; keep Node from calling an unobserved rejection fatal.
    this.stoppedPromise.catch(() => undefined);
  }

  /**
   * The current runtime's state; while a runtime that lost the broker waits to be replaced,
   * REBALANCING (as Kafka Streams while a replaced stream thread rejoins), not its NOT_RUNNING.
   */
  get state(): AppState {
    const state = this.runtime.lifecycle.state;
    return this.replacing && (state === 'ERROR' || state === 'NOT_RUNNING') ? 'REBALANCING' : state;
  }

  /** Resolves after `close()` has finished; rejects with the error if the application failed. */
  get stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  async start(): Promise<void> {
    try {
      await this.runtime.start();
      this.hasStarted = true;
    } catch (error) {
      this.runtime.fail('starting the application failed', error);
      await this.stoppedPromise.catch(() => undefined);
      throw error;
    }
  }

  /** Stops the application, also while it waits for the broker or starts again; resolves once it has stopped. */
  close(): Promise<void> {
    if (!this.closeRequested) this.closedAfterFailure = this.runtime.lifecycle.state === 'ERROR';
    this.closeRequested = true;
    this.endWait?.();
    void this.runtime.close();
    return this.stoppedPromise.catch(() => undefined);
  }

  snapshot(): AppSnapshot {
    return { ...this.runtime.snapshot(), state: this.state };
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

  /**
   * Follows the current runtime until it stops: a close ends the app, so does a failure other than an
   * unreachable broker; an unreachable broker gets a new runtime until `brokerLossTimeoutMs` has passed
   * since the first failure of that outage.
   */
  private async supervise(): Promise<void> {
    try {
      await this.followRuntimes();
    } finally {
      this.replacing = false;
    }
  }

  private async followRuntimes(): Promise<void> {
    let lostSince: number | undefined;
    let backoffMs = REPLACE_BACKOFF_FIRST_MS;
    for (;;) {
      const outcome = await this.runtime.stopped.then(
        (): RuntimeOutcome => ({ failed: false }),
        (error: unknown): RuntimeOutcome => ({ failed: true, error }),
      );
      if (!outcome.failed) return;
      const timeoutMs = this.config.brokerLossTimeoutMs;
      const ridesOut = this.hasStarted && timeoutMs > 0 && isBrokerUnreachable(outcome.error);
      if (this.closeRequested) {
        // Closed while the broker was away (the runtime had failed, or a new one was starting): stopped, as asked.
        if (lostSince !== undefined || (ridesOut && this.closedAfterFailure)) return;
        throw outcome.error;
      }
      if (!ridesOut) throw outcome.error;
      const now = Date.now();
      lostSince ??= now;
      const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      if (now - lostSince >= timeoutMs) {
        this.logger.error(`the broker stayed unreachable for ${seconds(now - lostSince)} (brokerLossTimeoutMs ${timeoutMs}): the application stops`, {
          err: outcome.error,
        });
        throw outcome.error;
      }
      this.replacing = true;
      this.logger.warn(
        `the broker is unreachable (${reason}); starting the application again in ${seconds(backoffMs)}, for up to ${seconds(lostSince + timeoutMs - now)} more`,
      );
      await this.wait(backoffMs);
      backoffMs = Math.min(backoffMs * 2, REPLACE_BACKOFF_MAX_MS);
      if (this.closeRequested) return;
      this.runtime = this.newRuntime();
      try {
        await this.runtime.start();
        this.logger.info(`the application runs again, ${seconds(Date.now() - lostSince)} after the broker was lost`);
        lostSince = undefined;
        backoffMs = REPLACE_BACKOFF_FIRST_MS;
        this.replacing = false;
      } catch (error) {
        // The next turn sees this failure through `stopped` and decides whether to try again.
        this.runtime.fail('starting the application again failed', error);
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.endWait = done;
    }).finally(() => {
      this.endWait = undefined;
    });
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
