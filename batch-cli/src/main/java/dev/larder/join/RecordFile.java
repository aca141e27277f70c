package dev.larder.join;

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
 * A temporary file of length-prefixed byte records, written and read back in order, for the joins that spill
 * entity rows (sorted by time) and joined rows (by input row range). Records are packed into one byte array
 * and moved with whole-buffer channel calls: tens of millions of small records pass through these files.
 */
final class RecordFile {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private RecordFile() {}

  /** Appends records to a new file. */
  static final class Writer implements AutoCloseable {
    private final Path file;
    private final int bufferBytes;
    private FileChannel out;
    private byte[] buf;
    private int size;
    private boolean written;

    /** A writer that creates {@code file} on its first record, with a buffer of {@code bufferBytes}. */
    Writer(Path file, int bufferBytes) {
      this.file = file;
      this.bufferBytes = bufferBytes;
    }

    void write(byte[] record) throws IOException {
      write(record, 0, record.length);
    }

    /** Writes the record in {@code b[off, off + len)}. */
    void write(byte[] b, int off, int len) throws IOException {
      if (out == null) {
        if (written) {
          throw new IllegalStateException(file + " is closed");
        }
        written = true;
        buf = new byte[Math.max(bufferBytes, 4 + len)];
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
      }
      int n = 4 + len;
      if (size + n > buf.length) {
        flush();
        if (n > buf.length) {
          buf = new byte[n];
        }
      }
      INT.set(buf, size, len);
      System.arraycopy(b, off, buf, size + 4, len);
      size += n;
    }

    private void flush() throws IOException {
      ByteBuffer b = ByteBuffer.wrap(buf, 0, size);
      while (b.hasRemaining()) {
        out.write(b);
      }
      size = 0;
    }

    /** Whether any record was written (the file exists). */
    boolean written() {
      return written;
    }

    /** Writes what is buffered and closes the file; the buffer is released. */
    @Override
    public void close() throws IOException {
      if (out == null) {
        return;
      }
      try {
        flush();
      } finally {
        out.close();
        out = null;
        buf = null;
      }
    }
  }

  /** Reads the records of a file in the order they were written. */
  static final class Reader implements AutoCloseable {
    private final Path file;
    private final FileChannel in;
    private byte[] buf;
    /** Unparsed bytes are buf[pos, limit). */
    private int pos;
    private int limit;

    Reader(Path file, int bufferBytes) throws IOException {
      this.file = file;
      this.in = FileChannel.open(file, StandardOpenOption.READ);
      this.buf = new byte[Math.max(4096, bufferBytes)];
    }

    /** The next record, or null at the end of the file. */
    byte[] next() throws IOException {
      if (!available(4)) {
        if (limit > pos) {
          throw new EOFException(file + ": truncated record");
        }
        return null;
      }
      int n = (int) INT.get(buf, pos);
      if (n < 0 || !available(4 + n)) {
        throw new EOFException(file + ": truncated record");
      }
      byte[] record = Arrays.copyOfRange(buf, pos + 4, pos + 4 + n);
      pos += 4 + n;
      return record;
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
    public void close() throws IOException {
      in.close();
    }
  }
}
