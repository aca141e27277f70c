package dev.larder.compute;

import dev.larder.aggregate.Inputs;
import dev.larder.core.v1.ValueType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Events partitioned by a hash of the entity key into P temporary files, so that each partition can later be
 * loaded, sorted and aggregated within the heap budget. Events of one entity always land in the same file,
 * in input order. Record: key values, event time, a presence bitmap of the inputs, then the present values.
 */
final class SpillFiles implements EventSink, AutoCloseable {
  private final ViewJob job;
  private final int salt;
  private final List<Path> files = new ArrayList<>();
  private final DataOutputStream[] outs;
  private final SpillCodec[] codecs;
  private final long[] counts;
  private final byte[] presence;

  SpillFiles(ViewJob job, Path dir, int partitions, int salt) throws IOException {
    this.job = job;
    this.salt = salt;
    this.outs = new DataOutputStream[partitions];
    this.codecs = new SpillCodec[partitions];
    this.counts = new long[partitions];
    this.presence = new byte[(job.inputs().size() + 7) / 8];
    Files.createDirectories(dir);
    for (int p = 0; p < partitions; p++) {
      Path f = Files.createTempFile(dir, "spill-" + salt + "-" + p + "-", ".bin");
      files.add(f);
      outs[p] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), 1 << 16));
      codecs[p] = new SpillCodec();
    }
  }

  static int partitionOf(Object key, int salt, int partitions) {
    int h = key.hashCode() * 0x9E3779B9 + salt * 0x85EBCA6B;
    h ^= h >>> 16;
    h *= 0x7FEB352D;
    h ^= h >>> 15;
    return Math.floorMod(h, partitions);
  }

  @Override
  public void accept(Object key, long time, Object[] projected) throws IOException {
    int p = partitionOf(key, salt, outs.length);
    DataOutputStream out = outs[p];
    SpillCodec codec = codecs[p];
    List<ValueType> keyTypes = job.keyTypes();
    if (keyTypes.size() == 1) {
      codec.write(out, keyTypes.get(0), key);
    } else {
      List<?> parts = (List<?>) key;
      for (int i = 0; i < keyTypes.size(); i++) {
        codec.write(out, keyTypes.get(i), parts.get(i));
      }
    }
    out.writeLong(time);
    java.util.Arrays.fill(presence, (byte) 0);
    for (int i = 0; i < projected.length; i++) {
      if (projected[i] != null) {
        presence[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    out.write(presence);
    Inputs inputs = job.inputs();
    for (int i = 0; i < projected.length; i++) {
      Object v = projected[i];
      if (v == null) {
        continue;
      }
      switch (inputs.input(i).kind()) {
        case LONG -> out.writeLong((Long) v);
        case DOUBLE -> out.writeDouble((Double) v);
        case OBJECT -> codec.write(out, inputs.input(i).type(), v);
        case PRESENCE -> { }
      }
    }
    counts[p]++;
  }

  /** Finishes writing; the files can then be read with {@link #replay}. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (DataOutputStream o : outs) {
      try {
        o.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  int partitions() {
    return outs.length;
  }

  long events(int p) {
    return counts[p];
  }

  Path file(int p) {
    return files.get(p);
  }

  /** Reads partition {@code p}'s events back, in the order they were written. */
  void replay(int p, EventSink sink) throws IOException {
    SpillCodec codec = new SpillCodec();
    List<ValueType> keyTypes = job.keyTypes();
    Inputs inputs = job.inputs();
    Object[] projected = new Object[inputs.size()];
    Object[] parts = new Object[keyTypes.size()];
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(files.get(p)), 1 << 16))) {
      for (long n = 0; n < counts[p]; n++) {
        Object key;
        if (keyTypes.size() == 1) {
          key = ViewJob.keyPart(codec.read(in, keyTypes.get(0)));
        } else {
          for (int i = 0; i < parts.length; i++) {
            parts[i] = ViewJob.keyPart(codec.read(in, keyTypes.get(i)));
          }
          key = List.of(parts);
        }
        long time = in.readLong();
        in.readFully(presence);
        for (int i = 0; i < projected.length; i++) {
          if ((presence[i >>> 3] & (1 << (i & 7))) == 0) {
            projected[i] = null;
            continue;
          }
          projected[i] = switch (inputs.input(i).kind()) {
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case OBJECT -> codec.read(in, inputs.input(i).type());
            case PRESENCE -> Boolean.TRUE;
          };
        }
        sink.accept(key, time, projected);
      }
    } catch (EOFException e) {
      throw new IOException(files.get(p) + ": spill file is truncated", e);
    }
  }

  /** Deletes partition {@code p}'s file once it has been processed. */
  void delete(int p) throws IOException {
    Files.deleteIfExists(files.get(p));
  }

  void deleteAll() {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // temp files; the OS or the next run cleans them
      }
    }
  }

}
