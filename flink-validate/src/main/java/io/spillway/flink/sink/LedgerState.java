package io.spillway.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A sink's ledger as writer state: the statistics object serialized whole (Java serialization), so a job restored
 * from a savepoint or checkpoint (a rescale) keeps counting where the stopped one left off and a record lost or
 * emitted twice across the restart shows in the one summary.
 */
public final class LedgerState {
  private LedgerState() {}

  public static byte[] snapshot(Serializable ledger) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) { out.writeObject(ledger); }
    return bos.toByteArray();
  }

  public static Object restore(byte[] state) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
      return in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("sink ledger state: " + e.getMessage(), e);
    }
  }

  /** The snapshot bytes as they are (version 1: the ledger serialized). */
  public static final SimpleVersionedSerializer<byte[]> SERIALIZER = new SimpleVersionedSerializer<>() {
    @Override public int getVersion() { return 1; }
    @Override public byte[] serialize(byte[] b) { return b; }
    @Override public byte[] deserialize(int version, byte[] b) throws IOException {
      if (version != 1) throw new IOException("sink ledger state: unknown version " + version);
      return b;
    }
  };
}
