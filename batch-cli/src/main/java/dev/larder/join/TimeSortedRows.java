package dev.larder.join;

import dev.larder.spill.RecordFile;
import dev.larder.online.FeatureRowCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Entity rows sorted by time through temporary files, for inputs too large for one block: the rows are written
 * in sorted runs of one block each, then merged back and cut into blocks that are consecutive time ranges. Each
 * block then needs only the history of its own time range (plus one TTL), so all blocks together read a view's
 * snapshots about once, where blocks of consecutive input rows would each read all of them. Rows keep their
 * input row number so that {@link InputOrder} can put the output back in input order.
 *
 * <p>A record is a {@link FeatureRowCodec} row of the entity columns whose two timestamp slots carry the row's
 * time and its row number: one encoding of typed values for every Larder spill.
 */
final class TimeSortedRows implements AutoCloseable {
  private static final int READ_BUFFER = 256 * 1024;
  private static final int WRITE_BUFFER = 1 << 20;

  private final Path dir;
  private final List<Path> runs = new ArrayList<>();
  private final List<RecordFile.Reader> readers = new ArrayList<>();
  private PriorityQueue<Head> heads;

  /** Rows spilled to files in {@code dir} (which the caller deletes). */
  TimeSortedRows(Path dir) {
    this.dir = dir;
  }

  /**
   * Writes the rows of a block, in time order, as sorted runs: one per lane of {@code lanes}, each the next
   * stretch of the block's time order.
   */
  void addRun(EntityChunk c, BlockJoin lanes) throws IOException {
    Path[] files = new Path[lanes.lanes()];
    for (int l = 0; l < files.length; l++) {
      files[l] = dir.resolve("entities-" + runs.size() + ".run");
      runs.add(files[l]);
    }
    lanes.inLanes(c.size(), (lane, from, to) -> {
      try (RecordFile.Writer w = new RecordFile.Writer(files[lane], WRITE_BUFFER)) {
        for (int k = from; k < to; k++) {
          c.writeTo(c.byTime[k], w);
        }
      }
    });
  }

  /** The next block in time order (equal times by row number), filled to the filler's budget; null at the end. */
  EntityChunk next(EntityChunk.Filler filler) throws IOException {
    if (heads == null) {
      heads = new PriorityQueue<>();
      for (Path run : runs) {
        if (!Files.exists(run)) {
          continue; // a lane that got no rows
        }
        RecordFile.Reader r = new RecordFile.Reader(run, READ_BUFFER);
        readers.add(r);
        advance(new Head(r));
      }
    }
    while (!filler.full() && !heads.isEmpty()) {
      Head h = heads.poll();
      filler.addRecord(h.record, h.time, h.rowNumber);
      advance(h);
    }
    return filler.size() == 0 ? null : filler.take();
  }

  private void advance(Head h) throws IOException {
    byte[] record = h.reader.next();
    if (record != null) {
      h.record = record;
      h.time = FeatureRowCodec.eventTimestamp(record);
      h.rowNumber = FeatureRowCodec.createdTimestamp(record);
      heads.add(h);
    }
  }

  /** Deletes the run files; the rows are gone. */
  @Override
  public void close() throws IOException {
    for (RecordFile.Reader r : readers) {
      r.close();
    }
    for (Path run : runs) {
      Files.deleteIfExists(run);
    }
  }

  /** The next unmerged row of one run. */
  private static final class Head implements Comparable<Head> {
    final RecordFile.Reader reader;
    byte[] record;
    long time;
    long rowNumber;

    Head(RecordFile.Reader reader) {
      this.reader = reader;
    }

    @Override
    public int compareTo(Head o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(rowNumber, o.rowNumber);
    }
  }
}
