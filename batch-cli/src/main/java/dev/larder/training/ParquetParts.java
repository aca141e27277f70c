package dev.larder.training;

import dev.larder.disk.Folders;
import dev.larder.offline.FlatParquetWriter;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.RowWriter;
import dev.larder.offline.RowWriters;
import dev.larder.online.FeatureRowCodec;
import dev.larder.tasks.Tasks;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes a training set's Parquet file on several threads. Encoding Parquet is the one step of a training set
 * that otherwise runs on a single core after the join: here consecutive parts of the rows are encoded in
 * parallel into part files (each by {@link RowWriters#parquet}, so the file is as Larder's Parquet writers
 * make it), and their row groups are then copied, without decoding, into the output in order. The parts live in
 * a hidden folder next to the output and are deleted on close.
 *
 * <p>Rows come as records of the join's {@link FeatureRowCodec}, written by the thread that encodes their part
 * straight from their bytes ({@link FlatParquetWriter#write(byte[], FeatureRowCodec)}; decoded first only for
 * files with list columns). Memory holds the records of a few parts, one array a row. Rows of boxed values
 * waiting for a thread were a score of objects a row, which the collector copied at every young collection,
 * and decoding them took a third of the writing threads' time.
 */
final class ParquetParts implements AutoCloseable {
  /** Rows per part: large enough for good row groups, small enough that a few parts fit in the heap. */
  static final int PART_ROWS = 131_072;
  private static final ParquetReadOptions OPTIONS =
      ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

  private final Path out;
  private final RowSchema schema;
  private final FeatureRowCodec codec;
  private final int partRows;
  private final Path dir;
  private final ExecutorService pool;
  /** Parts being encoded or waiting for a thread; bounds the rows held in memory. */
  private final Semaphore inFlight;
  private final List<Future<Path>> parts = new ArrayList<>();
  private byte[][] batch;
  private int size;
  private long rows;

  /** @param codec the encoding of the records, whose values are the columns of {@code schema} */
  ParquetParts(Path out, RowSchema schema, FeatureRowCodec codec, int partRows) throws IOException {
    if (!codec.types().equals(schema.columns().stream().map(Column::type).toList())) {
      throw new IllegalArgumentException("records of " + codec.types() + " for " + schema);
    }
    this.out = out;
    this.schema = schema;
    this.codec = codec;
    this.partRows = partRows;
    this.dir = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".larder-parts-");
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "larder-write-part");
      t.setDaemon(true);
      return t;
    });
    this.inFlight = new Semaphore(threads);
    this.batch = new byte[partRows][];
  }

  /** Adds the next row, a record of the codec. */
  public void write(byte[] record) throws IOException {
    batch[size++] = record;
    rows++;
    if (size == partRows) {
      submit();
    }
  }

  public long rows() {
    return rows;
  }

  private void submit() throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing " + out);
    }
    byte[][] part = batch;
    int count = size;
    Path file = dir.resolve("part-" + parts.size() + ".parquet");
    parts.add(pool.submit(() -> {
      try {
        writePart(file, part, count);
      } finally {
        inFlight.release();
      }
      return file;
    }));
    batch = new byte[partRows][];
    size = 0;
  }

  /** Writes records {@code [0, count)} of {@code part} to a part file, dropping each once written. */
  private void writePart(Path file, byte[][] part, int count) throws IOException {
    if (!FlatParquetWriter.supports(schema)) {
      try (RowWriter w = RowWriters.parquet(file, schema)) { // list columns: through the record layer
        for (int i = 0; i < count; i++) {
          w.write(codec.decodeJava(part[i]));
          part[i] = null;
        }
      }
      return;
    }
    try (FlatParquetWriter w = new FlatParquetWriter(file, schema)) {
      for (int i = 0; i < count; i++) {
        w.write(part[i], codec);
        part[i] = null;
      }
    }
  }

  /** Encodes the last part, waits for all, and copies their row groups into the output file. */
  @Override
  public void close() throws IOException {
    try {
      if (size > 0) {
        submit();
      }
      List<Path> files = new ArrayList<>();
      for (Future<Path> f : parts) {
        files.add(Tasks.await(f, "writing " + out));
      }
      if (files.isEmpty()) {
        new ParquetRowWriter(out, schema).close();
        return;
      }
      ParquetFileWriter w = new ParquetFileWriter(new LocalOutputFile(out), ParquetRowWriter.parquetSchema(schema),
          ParquetFileWriter.Mode.OVERWRITE, ParquetRowWriter.ROW_GROUP_BYTES, 0);
      w.start();
      for (Path part : files) {
        // with options of its own: the reader's default options parse Hadoop's XML configuration every time
        try (ParquetFileReader r = ParquetFileReader.open(new InMemoryFile(Files.readAllBytes(part)), OPTIONS)) {
          r.appendTo(w);
        }
        Files.delete(part);
      }
      w.end(Map.of());
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Folders.deleteTree(dir);
    }
  }

  /**
   * A part file read into memory: parquet-java's {@code LocalInputFile} reads byte by byte with a system call
   * each (millions of calls per training set), and a part is a few megabytes.
   */
  private record InMemoryFile(byte[] bytes) implements InputFile {
    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public DelegatingSeekableInputStream newStream() {
      Bytes in = new Bytes(bytes);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() {
          return in.position();
        }

        @Override
        public void seek(long newPos) {
          in.seek((int) newPos);
        }
      };
    }
  }

  /** A byte array stream that can tell and change its position. */
  private static final class Bytes extends ByteArrayInputStream {
    Bytes(byte[] bytes) {
      super(bytes);
    }

    int position() {
      return pos;
    }

    void seek(int newPos) {
      pos = newPos;
    }
  }
}
