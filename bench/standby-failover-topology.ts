import { bytesSerde, ConfigError, defineTopology, stringSerde } from '../src/index.js';

/**
 * The standby failover bench's topology: each input record's value becomes the latest value of its key
 * in a changelogged RocksDB table `latest` (a `toTable`-style reduce), so the changelog holds a record
 * per key and restoring it is the cost a standby saves.
 *
 *     cdc-streams run bench/standby-failover-topology.ts --set input=<topic>
 */
export default defineTopology({
  applicationId: 'bench-standby-failover',
  build: (builder, env) => {
    const input = env.params['input'];
    if (input === undefined || input === '') throw new ConfigError('the standby failover bench needs --set input=<topic>');
    builder
      .stream<string, Buffer>(input, { keySerde: stringSerde, valueSerde: bytesSerde })
      .groupByKey()
      .reduce((_previous, value) => value, { storeName: 'latest' });
  },
});
