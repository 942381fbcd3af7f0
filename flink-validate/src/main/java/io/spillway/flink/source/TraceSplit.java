package io.spillway.flink.source;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Reader i of p replays the global sequence numbers n = i, i+p, i+2p, ... relative to the common epoch t0. */
public final class TraceSplit implements SourceSplit {
  public final int index;
  public final int parallelism;
  public final long t0Ms;
  public final long nextSeq;

  public TraceSplit(int index, int parallelism, long t0Ms, long nextSeq) {
    this.index = index;
    this.parallelism = parallelism;
    this.t0Ms = t0Ms;
    this.nextSeq = nextSeq;
  }

  @Override
  public String splitId() { return "trace-" + index + "-of-" + parallelism; }

  public static final class Serializer implements SimpleVersionedSerializer<TraceSplit> {
    @Override public int getVersion() { return 1; }

    @Override
    public byte[] serialize(TraceSplit s) throws IOException {
      ByteArrayOutputStream bos = new ByteArrayOutputStream(32);
      try (DataOutputStream out = new DataOutputStream(bos)) {
        out.writeInt(s.index);
        out.writeInt(s.parallelism);
        out.writeLong(s.t0Ms);
        out.writeLong(s.nextSeq);
      }
      return bos.toByteArray();
    }

    @Override
    public TraceSplit deserialize(int version, byte[] bytes) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        return new TraceSplit(in.readInt(), in.readInt(), in.readLong(), in.readLong());
      }
    }
  }
}
