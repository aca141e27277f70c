package dev.larder.bench;

import static dev.larder.bench.DuckDbScript.ident;
import static dev.larder.bench.DuckDbScript.literal;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.time.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DuckDB SQL a data engineer would write by hand for what Larder computes, generated from the registry
 * so that the baseline always matches the definitions being measured. It follows Larder's documented
 * semantics (window {@code [T - w, T)}, a row when an event lies in the longest window; point-in-time
 * {@code event_timestamp <= ts} and {@code > ts - ttl}) so both sides do the same work. Times are compared as
 * epoch microseconds ({@code __ts}), exactly as Larder holds them.
 */
final class BaselineSql {
  private final Catalog catalog;
  private final Path repoDir;

  BaselineSql(Catalog catalog, Path repoDir) {
    this.catalog = catalog;
    this.repoDir = repoDir;
  }

  /** A relation over a source's files with field renames applied and {@code __ts} in microseconds. */
  String sourceRelation(Source source) {
    Path p = repoDir.resolve(source.getPath()).normalize();
    boolean csv = source.getFormat() == Source.Format.CSV || p.toString().endsWith(".csv");
    String files = Files.isDirectory(p) ? p + "/**/*." + (csv ? "csv" : "parquet") : p.toString();
    String reader = csv
        ? "read_csv(" + literal(files) + ", header = true, hive_partitioning = true)"
        : "read_parquet(" + literal(files) + ", hive_partitioning = true)";
    String rename = source.getFieldMappingMap().isEmpty() ? "" : " RENAME ("
        + source.getFieldMappingMap().entrySet().stream()
            .map(e -> ident(e.getKey()) + " AS " + ident(e.getValue()))
            .collect(Collectors.joining(", ")) + ")";
    String ts = source.getFieldMappingMap().getOrDefault(source.getTimestampField(), source.getTimestampField());
    return "(SELECT *, epoch_us(" + ident(ts) + ") AS __ts FROM (SELECT *" + rename + " FROM " + reader + "))";
  }

  /** One snapshot of an aggregation view at {@code asOfMicros}, grouped by the view's keys. */
  String snapshot(FeatureView view, long asOfMicros) {
    String t = Long.toString(asOfMicros);
    String keys = keyList(view, "");
    return "SELECT " + keys + ", make_timestamp(" + t + ") AS event_timestamp, " + aggregates(view, t)
        + "\nFROM " + sourceRelation(source(view))
        + "\nWHERE __ts < " + t + lowerBound(view, t)
        + "\nGROUP BY " + keys;
  }

  /**
   * Many snapshots the straightforward way: every event joined to each as-of time whose longest window
   * holds it, then grouped by key and as-of time.
   */
  String snapshots(FeatureView view, List<Long> asOfMicros) {
    String keys = keyList(view, "e.");
    String times = asOfMicros.stream().map(String::valueOf).collect(Collectors.joining(", "));
    return "SELECT " + keys + ", make_timestamp(a.__t) AS event_timestamp, " + aggregates(view, "a.__t")
        + "\nFROM " + sourceRelation(source(view)) + " e"
        + "\nJOIN (SELECT unnest([" + times + "]::BIGINT[]) AS __t) a"
        + "\n  ON e.__ts < a.__t" + lowerBound(view, "a.__t").replace("__ts", "e.__ts")
        + "\nGROUP BY " + keys + ", a.__t";
  }

  /** A relation over a view's history: its snapshot files, or its source for a passthrough view. */
  String history(FeatureView view, Path offlineDir) {
    if (Catalog.isAggregation(view)) {
      Path files = offlineDir.resolve(view.getName()).resolve("version=*").resolve("date=*").resolve("asof=*.parquet");
      return "(SELECT *, epoch_us(event_timestamp) AS __ts FROM read_parquet(" + literal(files.toString())
          + ", hive_partitioning = false))";
    }
    return sourceRelation(source(view));
  }

  /**
   * Training rows joined as of their time to every view: DuckDB's ASOF LEFT JOIN picks the latest history row
   * at or before the row's time; the TTL is then applied to the winner.
   */
  String training(String entityRelation, String rowTsColumn, List<FeatureView> views, Path offlineDir) {
    StringBuilder select = new StringBuilder("SELECT l.*");
    StringBuilder from = new StringBuilder("\nFROM (SELECT *, epoch_us(" + ident(rowTsColumn) + ") AS __row_ts FROM "
        + entityRelation + ") l");
    int i = 0;
    for (FeatureView view : views) {
      String a = "v" + i++;
      Duration ttl = Catalog.ttl(view);
      String fresh = ttl == null ? "TRUE"
          : a + ".__ts > l.__row_ts - " + Durations.toMicros(ttl);
      for (Feature f : view.getFeaturesList()) {
        select.append(",\n  CASE WHEN ").append(fresh).append(" THEN ").append(a).append('.')
            .append(ident(f.getName())).append(" END AS ").append(ident(view.getName() + "__" + f.getName()));
      }
      from.append("\nASOF LEFT JOIN ").append(history(view, offlineDir)).append(' ').append(a).append(" ON ");
      for (Field k : catalog.joinKeys(view)) {
        from.append("l.").append(ident(k.getName())).append(" = ").append(a).append('.').append(ident(k.getName()))
            .append(" AND ");
      }
      from.append("l.__row_ts >= ").append(a).append(".__ts");
    }
    return select.append(from).toString();
  }

  private String aggregates(FeatureView view, String t) {
    List<String> out = new ArrayList<>();
    for (Feature f : view.getFeaturesList()) {
      Aggregation a = f.getAggregation();
      String cond = "__ts < " + t + windowBound(a.getWindow(), t)
          + (a.getFilter().isBlank() ? "" : " AND (" + a.getFilter() + ")");
      String col = a.getColumn().isBlank() ? "*" : ident(a.getColumn());
      String call = switch (a.getFunction()) {
        case COUNT -> "count(" + col + ")";
        case SUM -> "sum(" + col + ")";
        case MIN -> "min(" + col + ")";
        case MAX -> "max(" + col + ")";
        case AVG -> "avg(" + col + ")";
        case COUNT_DISTINCT -> "count(DISTINCT " + col + ")";
        case LAST -> "arg_max(" + col + ", __ts)";
        default -> throw new IllegalArgumentException(view.getName() + "." + f.getName() + ": function "
            + a.getFunction());
      };
      out.add("CAST(" + call + " FILTER (WHERE " + cond + ") AS " + sqlType(f.getType()) + ") AS "
          + ident(f.getName()));
    }
    return String.join(",\n  ", out);
  }

  private static String lowerBound(FeatureView view, String t) {
    long longest = 0;
    for (Feature f : view.getFeaturesList()) {
      Duration w = window(f.getAggregation().getWindow());
      if (w == null) {
        return "";
      }
      longest = Math.max(longest, Durations.toMicros(w));
    }
    return " AND __ts >= " + t + " - " + longest;
  }

  private static String windowBound(String window, String t) {
    Duration w = window(window);
    return w == null ? "" : " AND __ts >= " + t + " - " + Durations.toMicros(w);
  }

  /** The window as a duration, null for lifetime. */
  private static Duration window(String text) {
    return Durations.parse(text);
  }

  private String keyList(FeatureView view, String prefix) {
    return catalog.joinKeys(view).stream().map(k -> prefix + ident(k.getName())).collect(Collectors.joining(", "));
  }

  private Source source(FeatureView view) {
    return catalog.source(view.getSource())
        .orElseThrow(() -> new IllegalStateException("view " + view.getName() + ": no source " + view.getSource()));
  }

  static String sqlType(ValueType t) {
    return switch (t) {
      case INT32 -> "INTEGER";
      case INT64 -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case BOOL -> "BOOLEAN";
      case STRING -> "VARCHAR";
      case BYTES -> "BLOB";
      case TIMESTAMP -> "TIMESTAMPTZ";
      default -> "VARCHAR";
    };
  }
}
