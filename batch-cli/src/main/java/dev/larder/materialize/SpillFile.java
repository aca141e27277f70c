package dev.larder.materialize;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A sorted chunk of a run's input on disk, so that a run's heap stays bounded however many rows it reads.
 * Records: int key length, int row length, key, row (big-endian lengths). Records are packed into and
 * parsed out of one plain byte array per side and moved with whole-buffer channel calls: the spill
 * traffic of a large run is gigabytes, and a stream call (with its lock) per field was a visible cost.
 */
final class SpillFile {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private SpillFile() {}

  static final class Writer implements AutoCloseable {
    private final FileChannel out;
    private byte[] buf = new byte[1 << 20];
    private int size;

    Writer(Path file) throws IOException {
      out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    }

    void write(byte[] kb, int koff, int klen, byte[] rb, int roff, int rlen) throws IOException {
      int n = 8 + klen + rlen;
      if (size + n > buf.length) {
        flush();
        if (n > buf.length) {
          buf = new byte[n];
        }
      }
      INT.set(buf, size, klen);
      INT.set(buf, size + 4, rlen);
      System.arraycopy(kb, koff, buf, size + 8, klen);
      System.arraycopy(rb, roff, buf, size + 8 + klen, rlen);
      size += n;
    }

    private void flush() throws IOException {
      ByteBuffer b = ByteBuffer.wrap(buf, 0, size);
      while (b.hasRemaining()) {
        out.write(b);
      }
      size = 0;
    }

    @Override
    public void close() throws IOException {
      try {
        flush();
      } finally {
        out.close();
      }
    }
  }

  static SortedRows read(Path file, int bufferBytes) throws IOException {
    FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
    return new SortedRows() {
      private byte[] buf = new byte[Math.max(4096, bufferBytes)];
      /** Unparsed bytes are buf[pos, limit). */
      private int pos;
      private int limit;
      private byte[] key;
      private byte[] row;

      @Override
      public boolean next() throws IOException {
        if (!available(8)) {
          if (limit > pos) {
            throw new EOFException(file + ": truncated spill record");
          }
          return false;
        }
        int klen = (int) INT.get(buf, pos);
        int rlen = (int) INT.get(buf, pos + 4);
        if (klen < 0 || rlen < 0 || !available(8 + klen + rlen)) {
          throw new EOFException(file + ": truncated spill record");
        }
        int at = pos + 8;
        key = Arrays.copyOfRange(buf, at, at + klen);
        row = Arrays.copyOfRange(buf, at + klen, at + klen + rlen);
        pos = at + klen + rlen;
        return true;
      }

      /** Makes at least {@code n} unparsed bytes available unless the file ends first. */
      private boolean available(int n) throws IOException {
        if (limit - pos >= n) {
          return true;
        }
        if (n > buf.length) {
          buf = Arrays.copyOf(buf, n);
        }
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
        ByteBuffer b = ByteBuffer.wrap(buf, limit, buf.length - limit);
        while (limit < n) {
          int r = in.read(b);
          if (r < 0) {
            return false;
          }
          limit += r;
        }
        return true;
      }

      @Override
      public byte[] key() {
        return key;
      }

      @Override
      public byte[] row() {
        return row;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }
}
