package dev.larder.pointintime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The joined feature values of each view, spilled by row number range so that they can be put back in input
 * order without sorting: the join emits results in key order into the bucket of their row, and the output loads
 * one bucket (a bounded number of rows) at a time. Rows without a match are simply absent. The files live in
 * the join's spill directory, which the join deletes.
 */
final class ResultBuckets {
  private static final int BUFFER = 16 * 1024;

  private final Path dir;
  private final int bucketRows;
  private final int buckets;

  ResultBuckets(Path dir, long rows, int bucketRows) {
    this.dir = dir;
    this.bucketRows = bucketRows;
    this.buckets = (int) Math.max(1, (rows + bucketRows - 1) / bucketRows);
  }

  int bucketRows() {
    return bucketRows;
  }

  /** Bucket rows for {@code rows} rows of {@code views} views: bounded by memory, and by open files. */
  static int bucketRows(long rows, int views, long budgetBytes) {
    long byMemory = Math.max(16, budgetBytes / (Math.max(1, views) * 256L));
    long byFiles = (rows + 255) / 256;
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(byMemory, byFiles));
  }

  /** Writes one view's results; each bucket file is opened on its first row. */
  Writer writer(int view) {
    return new Writer(view);
  }

  /** The payloads of one view's rows in a bucket, indexed by row minus the bucket's first row; null if none. */
  byte[][] load(int view, int bucket) throws IOException {
    byte[][] out = new byte[bucketRows][];
    Path file = file(view, bucket);
    if (!Files.exists(file)) {
      return out;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
      while (true) {
        int offset;
        try {
          offset = in.readInt();
        } catch (EOFException end) {
          break;
        }
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        out[offset] = payload;
      }
    }
    Files.delete(file);
    return out;
  }

  private Path file(int view, int bucket) {
    return dir.resolve("result-" + view + "-" + bucket + ".bin");
  }

  final class Writer implements AutoCloseable {
    private final int view;
    private final DataOutputStream[] outs = new DataOutputStream[buckets];

    private Writer(int view) {
      this.view = view;
    }

    /** Records the features of {@code row}: {@code length} bytes of {@code payload} from {@code offset}. */
    void add(long row, byte[] payload, int offset, int length) throws IOException {
      int b = (int) (row / bucketRows);
      DataOutputStream out = outs[b];
      if (out == null) {
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(view, b)), BUFFER));
        outs[b] = out;
      }
      out.writeInt((int) (row - (long) b * bucketRows));
      out.writeInt(length);
      out.write(payload, offset, length);
    }

    @Override
    public void close() throws IOException {
      for (DataOutputStream out : outs) {
        if (out != null) {
          out.close();
        }
      }
    }
  }
}
