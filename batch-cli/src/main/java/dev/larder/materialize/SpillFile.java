package dev.larder.materialize;

import dev.larder.spill.RecordFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sorted chunk of a run's input on disk, so that a run's heap stays bounded however many rows it reads: the
 * shared {@link RecordFile} with one key and row pair per record.
 */
final class SpillFile {
  private static final int WRITE_BUFFER = 1 << 20;

  private SpillFile() {}

  static final class Writer implements AutoCloseable {
    private final RecordFile.Writer out;

    Writer(Path file) throws IOException {
      out = new RecordFile.Writer(file, WRITE_BUFFER).create();
    }

    void write(byte[] kb, int koff, int klen, byte[] rb, int roff, int rlen) throws IOException {
      out.writePair(kb, koff, klen, rb, roff, rlen);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static SortedRows read(Path file, int bufferBytes) throws IOException {
    RecordFile.Reader in = new RecordFile.Reader(file, bufferBytes);
    return new SortedRows() {
      private byte[] key;
      private byte[] row;

      @Override
      public boolean next() throws IOException {
        if (!in.advance()) {
          return false;
        }
        int klen = in.pairKeyLength();
        int at = in.offset() + 4;
        key = Arrays.copyOfRange(in.buffer(), at, at + klen);
        row = Arrays.copyOfRange(in.buffer(), at + klen, in.offset() + in.length());
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
