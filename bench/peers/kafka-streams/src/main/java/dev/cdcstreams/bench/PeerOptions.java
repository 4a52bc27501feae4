package dev.cdcstreams.bench;

import java.util.HashMap;
import java.util.Map;

/** `--name value` pairs from the command line; every option is required. */
record PeerOptions(
    String brokers,
    String inputTopic,
    String outputTopic,
    String applicationId,
    String stateDir,
    String guarantee,
    long commitIntervalMs) {

  static final String USAGE =
      "usage: java -jar kafka-streams-peer.jar --brokers HOST:PORT --input-topic T --output-topic T"
          + " --application-id ID --state-dir DIR --guarantee at_least_once|exactly_once --commit-interval-ms MS";

  static PeerOptions parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + USAGE);
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    String guarantee = required(values, "guarantee");
    if (!guarantee.equals("at_least_once") && !guarantee.equals("exactly_once")) {
      throw new IllegalArgumentException("--guarantee must be at_least_once or exactly_once, got '" + guarantee + "'");
    }
    return new PeerOptions(
        required(values, "brokers"),
        required(values, "input-topic"),
        required(values, "output-topic"),
        required(values, "application-id"),
        required(values, "state-dir"),
        guarantee,
        Long.parseLong(required(values, "commit-interval-ms")));
  }

  private static String required(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name + "\n" + USAGE);
    return value;
  }
}
