package dev.cdcstreams.bench;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The aggregate's wire format, the same bytes bench/engine-topology.ts writes: 16 bytes, the count then
 * the sum, each a big-endian signed 64-bit integer.
 */
public final class SumCountSerde implements Serde<SumCount> {
  static final int SIZE = 16;

  @Override
  public Serializer<SumCount> serializer() {
    return (topic, value) -> {
      if (value == null) return null;
      return ByteBuffer.allocate(SIZE).putLong(value.count()).putLong(value.sum()).array();
    };
  }

  @Override
  public Deserializer<SumCount> deserializer() {
    return (topic, data) -> {
      if (data == null) return null;
      if (data.length != SIZE) {
        throw new SerializationException("a sum-and-count on " + topic + " must be " + SIZE + " bytes, got " + data.length);
      }
      ByteBuffer buffer = ByteBuffer.wrap(data);
      return new SumCount(buffer.getLong(), buffer.getLong());
    };
  }
}
