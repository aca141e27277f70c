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
 * One sorted run spilled to disk: records written one after another as hash, key length, key, time, aux,
 * payload length, payload, with {@link DataOutputStream}. Deleted when its cursor is closed.
 */
final class RunFile {
  static final int BUFFER = 64 * 1024;

  private RunFile() {}

  /** Appends records to a new run file. */
  static final class Writer implements AutoCloseable {
    private final DataOutputStream out;

    Writer(Path file) throws IOException {
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
    }

    void write(int hash, byte[] key, long time, long aux, byte[] payload) throws IOException {
      out.writeInt(hash);
      writeLength(out, key.length);
      out.write(key);
      out.writeLong(time);
      out.writeLong(aux);
      writeLength(out, payload.length);
      out.write(payload);
    }

    /** Writes a record whose key and payload are slices of {@code page}. */
    void write(int hash, byte[] page, int keyStart, int keyLength, long time, long aux, int payloadStart,
               int payloadLength) throws IOException {
      out.writeInt(hash);
      writeLength(out, keyLength);
      out.write(page, keyStart, keyLength);
      out.writeLong(time);
      out.writeLong(aux);
      writeLength(out, payloadLength);
      out.write(page, payloadStart, payloadLength);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static RecordCursor read(Path file) throws IOException {
    return new Reader(file);
  }

  static void writeLength(DataOutputStream out, int n) throws IOException {
    while ((n & ~0x7F) != 0) {
      out.writeByte((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    out.writeByte(n);
  }

  static int readLength(DataInputStream in) throws IOException {
    int n = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return n;
      }
    }
  }

  private static final class Reader implements RecordCursor {
    private final Path file;
    private final DataInputStream in;
    private int hash;
    private byte[] key;
    private long time;
    private long aux;
    private byte[] payload;

    Reader(Path file) throws IOException {
      this.file = file;
      this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
    }

    @Override
    public boolean next() throws IOException {
      try {
        hash = in.readInt();
      } catch (EOFException end) {
        return false;
      }
      key = new byte[readLength(in)];
      in.readFully(key);
      time = in.readLong();
      aux = in.readLong();
      int n = readLength(in);
      payload = n == 0 ? EMPTY : new byte[n];
      in.readFully(payload);
      return true;
    }

    @Override
    public int hash() {
      return hash;
    }

    @Override
    public byte[] key() {
      return key;
    }

    @Override
    public long time() {
      return time;
    }

    @Override
    public long aux() {
      return aux;
    }

    @Override
    public byte[] payload() {
      return payload;
    }

    @Override
    public void close() throws IOException {
      in.close();
      Files.deleteIfExists(file);
    }
  }
}
