package dev.larder.materialize;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureLayout;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.offline.RawHistory;
import dev.larder.registry.Catalog;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One view's materialization: streams its history rows in {@code [start, end]} into an {@link OnlineWriter},
 * which keeps the newest row per entity and publishes a new run. A bad row (null join key, null event
 * timestamp, a value of the wrong type) stops the run with its position and nothing is published.
 */
final class ViewMaterialization {
  private final Path onlineDir;
  private final OnlineOptions options;

  ViewMaterialization(Path onlineDir, OnlineOptions options) {
    this.onlineDir = onlineDir;
    this.options = options;
  }

  /**
   * The outcome; {@code firstEventMicros} is the earliest event timestamp read (end when none). {@code summary}
   * is null when the interval held no rows and {@code publishEmpty} was false: nothing was published.
   */
  record Outcome(OnlineWriter.Summary summary, long firstEventMicros) {}

  /**
   * @param publishEmpty whether an interval without rows still publishes a run (the served rows, re-merged);
   *                     when false such a run is abandoned and {@link Outcome#summary()} is null
   */
  Outcome run(Catalog catalog, FeatureView view, long start, long end, MaterializeSource history,
              LongConsumer progress, boolean publishEmpty) throws IOException {
    List<Field> keys = catalog.joinKeys(view);
    List<ValueType> types = view.getFeaturesList().stream().map(Feature::getType).toList();
    long viewVersion = catalog.viewVersion(view.getName());
    RawHistory raw = history.openRaw(catalog, view, start, end).orElse(null);
    try (RawHistory rawRows = raw; RowReader rows = raw == null ? history.open(catalog, view, start, end) : null;
         OnlineWriter writer = OnlineWriter.begin(onlineDir, view.getName(), viewVersion, keys,
             new FeatureLayout(view.getFeaturesList().stream().map(Feature::getName).toList(), types),
             Catalog.ttl(view), end, options)) {
      long firstEvent;
      try {
        // A raw history only exists for views whose every column is fixed-width, which the writer accepts raw.
        firstEvent = rawRows != null
            ? putRaw(rawRows, writer, view, keys.size(), types.size(), start, end, progress)
            : putRows(rows, writer, view, keys.size(), types.size(), start, end, progress);
      } catch (IOException e) {
        throw new IOException(e.getMessage() + "; the served data of view '" + view.getName() + "' is unchanged", e);
      }
      if (writer.rowsRead() == 0 && !publishEmpty) {
        return new Outcome(null, firstEvent); // closing the writer abandons the run
      }
      return new Outcome(writer.commit(), firstEvent);
    }
  }

  /** Feeds Java-form rows to the writer; returns the earliest event timestamp in range ({@code end} if none). */
  private static long putRows(RowReader rows, OnlineWriter writer, FeatureView view, int k, int n, long start,
                              long end, LongConsumer progress) throws IOException {
    checkSchema(rows.schema(), view, k, n);
    long firstEvent = end;
    Object[] keyValues = new Object[k];
    Object[] features = new Object[n];
    long sinceReport = 0;
    for (Object[] row; (row = rows.next()) != null; ) {
      Object ts = row[k];
      if (!(ts instanceof Long event)) {
        throw new IOException(rows.position() + ": event_timestamp is " + (ts == null ? "null" : ts)
            + "; view '" + view.getName() + "' needs a timestamp on every row");
      }
      if (event < start || event > end) {
        continue;
      }
      firstEvent = Math.min(firstEvent, event);
      Object created = row[k + 1];
      System.arraycopy(row, 0, keyValues, 0, k);
      System.arraycopy(row, k + 2, features, 0, n);
      try {
        writer.put(keyValues, event, created == null ? FeatureRowCodec.NO_CREATED_TIMESTAMP : (Long) created, features);
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new IOException(rows.position() + ": view '" + view.getName() + "': " + nameFeature(view, e.getMessage()), e);
      }
      if (++sinceReport == 4096) {
        progress.accept(sinceReport);
        sinceReport = 0;
      }
    }
    progress.accept(sinceReport);
    return firstEvent;
  }

  /** Like {@link #putRows} for primitive columns: the same checks, no object per value. */
  private static long putRaw(RawHistory rows, OnlineWriter writer, FeatureView view, int k, int n, long start,
                             long end, LongConsumer progress) throws IOException {
    checkSchema(rows.schema(), view, k, n);
    long[] keyValues = new long[k];
    long[] features = new long[n];
    boolean[] featureNulls = new boolean[n];
    long firstEvent = end;
    for (RawHistory.Batch b; (b = rows.next()) != null; ) {
      long[][] raw = b.raw;
      boolean[][] nulls = b.nulls;
      long[] events = raw[k];
      long[] created = raw[k + 1];
      boolean[] noCreated = nulls[k + 1];
      int size = b.size();
      for (int r = 0; r < size; r++) {
        if (nulls[k][r]) {
          throw new IOException(b.position(r) + ": event_timestamp is null; view '" + view.getName()
              + "' needs a timestamp on every row");
        }
        long event = events[r];
        if (event < start || event > end) {
          continue;
        }
        firstEvent = Math.min(firstEvent, event);
        for (int c = 0; c < k; c++) {
          if (nulls[c][r]) {
            throw new IOException(b.position(r) + ": view '" + view.getName() + "': join key '"
                + rows.schema().column(c).name() + "' is null");
          }
          keyValues[c] = raw[c][r];
        }
        for (int f = 0; f < n; f++) {
          features[f] = raw[k + 2 + f][r];
          featureNulls[f] = nulls[k + 2 + f][r];
        }
        writer.putRaw(keyValues, event, noCreated[r] ? FeatureRowCodec.NO_CREATED_TIMESTAMP : created[r], features,
            featureNulls);
      }
      progress.accept(size);
    }
    return firstEvent;
  }

  private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile("feature at position (\\d+)");

  /** Replaces the codec's "feature at position i" with the feature's name. */
  private static String nameFeature(FeatureView view, String message) {
    java.util.regex.Matcher m = POSITION.matcher(String.valueOf(message));
    if (m.find()) {
      int i = Integer.parseInt(m.group(1));
      if (i < view.getFeaturesCount()) {
        return m.replaceFirst("feature '" + view.getFeatures(i).getName() + "'");
      }
    }
    return message;
  }

  private static void checkSchema(RowSchema schema, FeatureView view, int keys, int features) throws IOException {
    if (schema.size() != keys + 2 + features) {
      throw new IOException("view '" + view.getName() + "': history rows have " + schema.size() + " columns "
          + schema + "; expected " + keys + " join key(s), event_timestamp, created_timestamp and "
          + features + " feature(s)");
    }
  }
}
