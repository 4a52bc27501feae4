package dev.cdcstreams.bench;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The engine workload in Kafka Streams: a per-key sum and count of 64-bit values in a persistent
 * RocksDB store with a changelog, every input record emitting the key's new aggregate. Caches are off
 * (every update is forwarded and written), one stream thread. Runs until SIGTERM, then closes cleanly;
 * exits 1 if the application failed.
 */
public final class EngineAggregatePeer {
  /** Also names the changelog topic, `<application id>-sums-changelog`, as in bench/engine-topology.ts. */
  static final String STORE = "sums";

  public static void main(String[] args) throws InterruptedException {
    PeerOptions options;
    try {
      options = PeerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    KafkaStreams streams = new KafkaStreams(topology(options), config(options));
    AtomicInteger exitCode = new AtomicInteger(0);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(error -> {
      System.err.println("kafka-streams-peer failed: " + error);
      exitCode.set(1);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) stopped.countDown();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(60));
      stopped.countDown();
    }, "peer-shutdown"));
    streams.start();
    stopped.await();
    streams.close(Duration.ofSeconds(60));
    if (exitCode.get() != 0) Runtime.getRuntime().halt(exitCode.get());
  }

  static Topology topology(PeerOptions options) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(options.inputTopic(), Consumed.with(Serdes.String(), Serdes.Long()))
        .groupByKey()
        .aggregate(
            () -> SumCount.EMPTY,
            (key, value, aggregate) -> aggregate.add(value),
            Materialized.<String, SumCount, KeyValueStore<Bytes, byte[]>>as(STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(new SumCountSerde())
                .withCachingDisabled())
        .toStream()
        .to(options.outputTopic(), Produced.with(Serdes.String(), new SumCountSerde()));
    return builder.build();
  }

  static Properties config(PeerOptions options) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.brokers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        options.guarantee().equals("exactly_once") ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitIntervalMs());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }
}
