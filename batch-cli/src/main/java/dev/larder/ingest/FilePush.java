package dev.larder.ingest;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Source;
import dev.larder.offline.SourceReaders;
import dev.larder.offline.TableFiles;
import dev.larder.registry.Catalog;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.serving.v1.PushFeaturesResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes the rows of a Parquet or CSV file to a push view through PushFeatures, in batches. The file is read
 * in the push source's declared types (so a CSV cell that is not a number is reported with its file, row and
 * column before anything is sent), and every file column must be a column of the push source. Each batch is
 * all-or-nothing on the server; when one is refused, the batches before it stay written and the error names
 * the file row.
 */
public final class FilePush {
  private static final Pattern ROW = Pattern.compile("^row (\\d+)(.*)$", Pattern.DOTALL);

  /** What was pushed. */
  public record Result(long rows, int batches, long viewVersion) {}

  /** A refused batch: the rows before it were written. */
  public static final class Refused extends IOException {
    public final StatusRuntimeException status;
    public final long rowsWritten;

    Refused(String message, StatusRuntimeException status, long rowsWritten) {
      super(message);
      this.status = status;
      this.rowsWritten = rowsWritten;
    }
  }

  private FilePush() {}

  /** The file columns to push: the source's columns that the file has, every join key and the timestamp required. */
  static List<String> columns(Catalog catalog, FeatureView view, Source source, Path file) throws IOException {
    RowSchema fileSchema = TableFiles.schema(file).orElseThrow(() -> new IOException(file + ": no data files"));
    Set<String> known = new LinkedHashSet<>();
    source.getSchemaList().forEach(f -> known.add(f.getName()));
    List<String> out = new ArrayList<>();
    for (Column c : fileSchema.columns()) {
      if (!known.contains(c.name())) {
        throw new IOException(file + ": column '" + c.name() + "' is not a column of push source '" + source.getName()
            + "' (view '" + view.getName() + "'); expected some of: " + String.join(", ", known));
      }
      out.add(c.name());
    }
    List<String> required = new ArrayList<>();
    catalog.joinKeys(view).stream().map(Field::getName).forEach(required::add);
    required.add(source.getTimestampField());
    for (String r : required) {
      if (!out.contains(r)) {
        throw new IOException(file + ": no column '" + r + "', needed by push view '" + view.getName()
            + "' (a join key or its timestamp_field)");
      }
    }
    return out;
  }

  /**
   * Reads {@code file} and pushes it in batches of {@code batchRows}.
   *
   * @throws Refused when the server refuses a batch (the message names the file row when the server named one)
   * @throws IOException when the file cannot be read or does not match the push source's schema
   */
  public static Result push(Catalog catalog, String viewName, Path file, int batchRows,
                            FeatureServingGrpc.FeatureServingBlockingStub stub) throws IOException {
    FeatureView view = catalog.requireView(viewName);
    Source source = catalog.source(view.getSource()).filter(Source::hasPush).orElseThrow(() ->
        new IllegalArgumentException("feature view '" + viewName + "' is not a push view (its source '"
            + view.getSource() + "' has no push {})"));
    List<String> columns = columns(catalog, view, source, file);
    // The file read as the push source: its declared types, the file as the path.
    Source asFile = source.toBuilder().clearPush().setPath(file.toAbsolutePath().normalize().toString())
        .setFormat(Source.Format.FORMAT_UNSPECIFIED).build();
    long rows = 0;
    int batches = 0;
    long version = 0;
    try (RowReader reader = SourceReaders.open(asFile, Path.of("."), columns)) {
      RowSchema schema = reader.schema();
      while (true) {
        RepeatedValue.Builder[] cols = new RepeatedValue.Builder[columns.size()];
        for (int c = 0; c < cols.length; c++) {
          cols[c] = RepeatedValue.newBuilder();
        }
        int n = 0;
        Object[] row;
        while (n < batchRows && (row = reader.next()) != null) {
          for (int c = 0; c < cols.length; c++) {
            cols[c].addValues(row[c] == null ? Values.NULL : Values.toProto(schema.column(c).type(), row[c]));
          }
          n++;
        }
        if (n == 0) {
          break;
        }
        PushFeaturesRequest.Builder request = PushFeaturesRequest.newBuilder().setFeatureView(viewName);
        for (int c = 0; c < cols.length; c++) {
          request.putColumns(columns.get(c), cols[c].build());
        }
        PushFeaturesResponse ack;
        try {
          ack = stub.pushFeatures(request.build());
        } catch (StatusRuntimeException e) {
          throw refused(file, rows, batches, e);
        }
        rows += n;
        batches++;
        version = ack.getViewVersion();
      }
    }
    return new Result(rows, batches, version);
  }

  private static Refused refused(Path file, long before, int batches, StatusRuntimeException e) {
    String description = String.valueOf(e.getStatus().getDescription());
    Matcher m = ROW.matcher(description);
    String where = m.matches()
        ? file + " data row " + (before + Long.parseLong(m.group(1)) + 1) + m.group(2)
        : file + ", batch " + (batches + 1) + " (data rows " + (before + 1) + "-): " + description;
    return new Refused("push refused (" + e.getStatus().getCode() + "): " + where + "; " + before
        + " earlier row(s) in " + batches + " batch(es) were written", e, before);
  }
}
