package dev.larder.online;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;

/**
 * Writes the merged, sorted rows of a run into SST files of about the target size. Because the input is
 * sorted and the files are cut in order, their key ranges never overlap, so ingestion places them all in
 * the bottom level of the fresh database and no compaction is ever needed.
 */
final class SstSink implements RowSink, AutoCloseable {
  private final Path dir;
  private final long targetBytes;
  private final Options options;
  private final EnvOptions envOptions = new EnvOptions();
  private final List<String> files = new ArrayList<>();
  private SstFileWriter writer;
  private long inFile;

  SstSink(Path dir, OnlineOptions o) {
    this.dir = dir;
    this.targetBytes = o.sstFileBytes();
    this.options = RocksTuning.options(o, null);
  }

  @Override
  public void put(byte[] key, byte[] row) throws IOException {
    try {
      if (writer == null) {
        String file = dir.resolve(String.format("part-%05d.sst", files.size())).toString();
        writer = new SstFileWriter(envOptions, options);
        writer.open(file);
        files.add(file);
        inFile = 0;
      }
      writer.put(key, row);
      if ((++inFile & 1023) == 0 && writer.fileSize() >= targetBytes) {
        finishFile();
      }
    } catch (RocksDBException e) {
      throw new IOException(dir + ": writing SST file failed (" + e.getMessage() + ")", e);
    }
  }

  private void finishFile() throws RocksDBException {
    try {
      writer.finish();
    } finally {
      writer.close();
      writer = null;
    }
  }

  /** Finishes the last file and returns all files, in key order. */
  List<String> finish() throws IOException {
    if (writer != null) {
      try {
        finishFile();
      } catch (RocksDBException e) {
        throw new IOException(dir + ": finishing SST file failed (" + e.getMessage() + ")", e);
      }
    }
    return files;
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
