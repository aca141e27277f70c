package dev.larder.spill;

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
 * The one spill file of the batch engines: a temporary file of length-prefixed byte records, written and read
 * back in order, so that a run's heap stays bounded however many rows it handles. The training-set join spills
 * entity rows (sorted by time) and joined rows (by input row range) as single records; materialization spills
 * sorted chunks as key and row {@link Writer#writePair pairs}. Records are packed into one byte array and moved
 * with whole-buffer channel calls: tens of millions of small records pass through these files, and a stream
 * call (with its lock) per field was a visible cost.
 */
public final class RecordFile {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private RecordFile() {}

  /** Appends records to a new file. */
  public static final class Writer implements AutoCloseable {
    private final Path file;
    private final int bufferBytes;
    private FileChannel out;
    private byte[] buf;
    private int size;
    private boolean written;

    /** A writer that creates {@code file} on its first record, with a buffer of {@code bufferBytes}. */
    public Writer(Path file, int bufferBytes) {
      this.file = file;
      this.bufferBytes = bufferBytes;
    }

    public void write(byte[] record) throws IOException {
      write(record, 0, record.length);
    }

    /** Writes the record in {@code b[off, off + len)}. */
    public void write(byte[] b, int off, int len) throws IOException {
      int at = reserve(4 + len);
      INT.set(buf, at, len);
      System.arraycopy(b, off, buf, at + 4, len);
    }

    /**
     * Writes one record holding a key and a row, read back with {@link Reader#pairKeyLength}: the record is the
     * key's length, the key, then the row.
     */
    public void writePair(byte[] kb, int koff, int klen, byte[] rb, int roff, int rlen) throws IOException {
      int at = reserve(8 + klen + rlen);
      INT.set(buf, at, 4 + klen + rlen);
      INT.set(buf, at + 4, klen);
      System.arraycopy(kb, koff, buf, at + 8, klen);
      System.arraycopy(rb, roff, buf, at + 8 + klen, rlen);
    }

    /** Room for {@code n} bytes in the buffer; returns where they start. */
    private int reserve(int n) throws IOException {
      if (out == null) {
        open(n);
      }
      if (size + n > buf.length) {
        flush();
        if (n > buf.length) {
          buf = new byte[n];
        }
      }
      int at = size;
      size += n;
      return at;
    }

    /** Creates the file now, so that a run with no records still leaves an (empty) file to read. */
    public Writer create() throws IOException {
      if (out == null) {
        open(0);
      }
      return this;
    }

    private void open(int firstRecord) throws IOException {
      if (written) {
        throw new IllegalStateException(file + " is closed");
      }
      written = true;
      buf = new byte[Math.max(bufferBytes, firstRecord)];
      out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    }

    private void flush() throws IOException {
      ByteBuffer b = ByteBuffer.wrap(buf, 0, size);
      while (b.hasRemaining()) {
        out.write(b);
      }
      size = 0;
    }

    /** Whether any record was written (the file exists). */
    public boolean written() {
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
  public static final class Reader implements AutoCloseable {
    private final Path file;
    private final FileChannel in;
    private byte[] buf;
    /** Unparsed bytes are buf[pos, limit). */
    private int pos;
    private int limit;
    /** The current record is buf[at, at + length). */
    private int at;
    private int length;

    public Reader(Path file, int bufferBytes) throws IOException {
      this.file = file;
      this.in = FileChannel.open(file, StandardOpenOption.READ);
      this.buf = new byte[Math.max(4096, bufferBytes)];
    }

    /** The next record, or null at the end of the file. */
    public byte[] next() throws IOException {
      return advance() ? Arrays.copyOfRange(buf, at, at + length) : null;
    }

    /**
     * Moves to the next record, read in place through {@link #buffer}, {@link #offset} and {@link #length} until
     * the next call; false at the end of the file.
     */
    public boolean advance() throws IOException {
      if (!available(4)) {
        if (limit > pos) {
          throw new EOFException(file + ": truncated record");
        }
        return false;
      }
      int n = (int) INT.get(buf, pos);
      if (n < 0 || !available(4 + n)) {
        throw new EOFException(file + ": truncated record");
      }
      at = pos + 4;
      length = n;
      pos += 4 + n;
      return true;
    }

    public byte[] buffer() {
      return buf;
    }

    public int offset() {
      return at;
    }

    public int length() {
      return length;
    }

    /** The key length of the current record, written by {@link Writer#writePair}; its key follows at offset + 4. */
    public int pairKeyLength() throws IOException {
      int klen = length < 4 ? -1 : (int) INT.get(buf, at);
      if (klen < 0 || 4 + klen > length) {
        throw new EOFException(file + ": truncated key and row record");
      }
      return klen;
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
