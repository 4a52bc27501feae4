import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { METRIC_PREFIX } from '../common/constants.js';
import type { OperableApp } from '../runtime/app-snapshot.js';
import { APP_SERIES } from './app-series.js';
import type { SeriesDefinition } from './metric-series.js';
import { ScrapeSnapshot } from './scrape-snapshot.js';

export interface MetricsRegistryOptions {
  /** Prepended to every cdc-streams metric name; default `cdc_streams_`. */
  readonly prefix?: string;
  /** Node process metrics (CPU, memory, event loop, GC) under their standard names; default true. */
  readonly defaultMetrics?: boolean;
}

/**
 * A Prometheus registry whose cdc-streams metrics are read from `app.snapshot()` when scraped,
 * through `collect()` callbacks: the processing path only bumps plain numbers and never touches
 * prom-client. Series of tasks or partitions this instance no longer has vanish on the next scrape.
 */
export function createMetricsRegistry(app: OperableApp, options: MetricsRegistryOptions = {}): Registry {
  const snapshot = new ScrapeSnapshot(app);
  const registry = new SnapshotRegistry(snapshot);
  const prefix = options.prefix ?? METRIC_PREFIX;
  for (const series of APP_SERIES) register(registry, prefix, series, snapshot);
  // Unprefixed on purpose: stock Node.js dashboards and alerts look for the standard names.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Brackets each whole-registry read so that all its metrics share one snapshot. */
class SnapshotRegistry extends Registry {
  constructor(private readonly snapshot: ScrapeSnapshot) {
    super();
  }

  override metrics(): Promise<string> {
    return this.snapshot.during(() => super.metrics());
  }

  override getMetricsAsJSON(): ReturnType<Registry['getMetricsAsJSON']> {
    return this.snapshot.during(() => super.getMetricsAsJSON());
  }
}

function register(registry: Registry, prefix: string, series: SeriesDefinition, snapshot: ScrapeSnapshot): void {
  const config = { name: `${prefix}${series.name}`, help: series.help, labelNames: [...series.labelNames], registers: [registry] };
  if (series.type === 'counter') {
    new Counter({
      ...config,
      collect() {
        this.reset();
        for (const { labels, value } of series.read(snapshot.get())) this.inc(labels, value);
      },
    });
  } else {
    new Gauge({
      ...config,
      collect() {
        this.reset();
        for (const { labels, value } of series.read(snapshot.get())) this.set(labels, value);
      },
    });
  }
}
