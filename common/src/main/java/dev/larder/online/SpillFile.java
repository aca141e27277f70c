package dev.larder.online;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sorted chunk of a run's input on disk, so that a run's heap stays bounded however many rows it reads.
 * Records: int key length, int row length, key, row.
 */
final class SpillFile {
  private SpillFile() {}

  static final class Writer implements AutoCloseable {
    private final DataOutputStream out;

    Writer(Path file) throws IOException {
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
    }

    void write(byte[] kb, int koff, int klen, byte[] rb, int roff, int rlen) throws IOException {
      out.writeInt(klen);
      out.writeInt(rlen);
      out.write(kb, koff, klen);
      out.write(rb, roff, rlen);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static SortedRows read(Path file, int bufferBytes) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), bufferBytes));
    return new SortedRows() {
      private byte[] key;
      private byte[] row;

      @Override
      public boolean next() throws IOException {
        int klen;
        try {
          klen = in.readInt();
        } catch (EOFException e) {
          return false;
        }
        int rlen = in.readInt();
        key = new byte[klen];
        row = new byte[rlen];
        in.readFully(key);
        in.readFully(row);
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
