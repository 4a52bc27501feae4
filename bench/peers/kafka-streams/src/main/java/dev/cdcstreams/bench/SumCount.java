package dev.cdcstreams.bench;

/** A key's aggregate: how many values it has seen and their sum (Java long arithmetic). */
public record SumCount(long count, long sum) {
  public static final SumCount EMPTY = new SumCount(0L, 0L);

  public SumCount add(long value) {
    return new SumCount(count + 1, sum + value);
  }
}
