package dev.larder.materialize;

import dev.larder.online.OnlineOptions;
import dev.larder.online.RocksTuning;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;

/**
 * Writes one SST file of a run from rows given in key order. A run's files hold consecutive key ranges, so
 * they never overlap: ingestion places them all in the bottom level of the fresh database and no
 * compaction is ever needed.
 */
final class SstSink implements AutoCloseable {
  private final String file;
  private final Options options;
  private final EnvOptions envOptions = new EnvOptions();
  private SstFileWriter writer;
  /**
   * Keys and rows are copied into these direct buffers and handed to RocksDB in place: the byte[] overload
   * of {@code SstFileWriter.put} makes JNI copy both arrays into fresh native memory on every call.
   */
  private ByteBuffer keyBuffer = ByteBuffer.allocateDirect(256);
  private ByteBuffer rowBuffer = ByteBuffer.allocateDirect(4096);

  SstSink(Path file, OnlineOptions o) {
    this.file = file.toString();
    this.options = RocksTuning.options(o, null);
  }

  void put(byte[] key, byte[] row) throws IOException {
    try {
      if (writer == null) {
        writer = new SstFileWriter(envOptions, options);
        writer.open(file);
      }
      keyBuffer = fill(keyBuffer, key);
      rowBuffer = fill(rowBuffer, row);
      writer.put(keyBuffer, rowBuffer);
    } catch (RocksDBException e) {
      throw new IOException(file + ": writing SST file failed (" + e.getMessage() + ")", e);
    }
  }

  private static ByteBuffer fill(ByteBuffer buffer, byte[] bytes) {
    ByteBuffer b = buffer.capacity() >= bytes.length ? buffer : ByteBuffer.allocateDirect(Math.max(bytes.length,
        2 * buffer.capacity()));
    b.clear();
    b.put(bytes).flip();
    return b;
  }

  /** Finishes the file; returns its path, or null when no row was put. */
  String finish() throws IOException {
    if (writer == null) {
      return null;
    }
    try {
      writer.finish();
      return file;
    } catch (RocksDBException e) {
      throw new IOException(file + ": finishing SST file failed (" + e.getMessage() + ")", e);
    } finally {
      writer.close();
      writer = null;
    }
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
    envOptions.close();
    options.close();
  }
}
