package dev.larder.training;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.FeatureView;
import dev.larder.offline.OutputFormat;
import dev.larder.offline.RowWriter;
import dev.larder.offline.RowWriters;
import dev.larder.join.JoinListener;
import dev.larder.join.JoinedRows;
import dev.larder.join.PointInTimeJoin;
import dev.larder.pointintime.PointInTimeRule;
import dev.larder.join.ViewRequest;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ViewVersions;
import dev.larder.registry.Catalog.FeatureRef;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.Column;
import dev.larder.tasks.RowsAhead;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Builds a point-in-time-correct training set: checks the request and the entity rows, joins them with the
 * requested views' history through {@link PointInTimeJoin}, and writes the result to a temporary file that is
 * renamed into place only when complete, so a failed run leaves no partial output. The plain Java entry point
 * behind {@code larder training-set}, also used by benchmarks.
 */
public final class TrainingSetBuilder {
  /** Share of the maximum heap one block of entity rows and their winners may fill (see PointInTimeJoin). */
  static final double HEAP_SHARE = 0.4;

  private final ProjectConfig config;
  private final Catalog catalog;
  private final long memoryBudgetBytes;
  private final JoinListener listener;

  /**
   * @param memoryBudgetBytes heap for one block of entity rows and their winners; see {@link #defaultBudget()}
   */
  public TrainingSetBuilder(ProjectConfig config, Catalog catalog, long memoryBudgetBytes, JoinListener listener) {
    this.config = config;
    this.catalog = catalog;
    this.memoryBudgetBytes = memoryBudgetBytes;
    this.listener = listener;
  }

  /** A builder over the repository's applied registry with the default memory budget. */
  public static TrainingSetBuilder forRepo(ProjectConfig config, JoinListener listener) throws IOException {
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow(() -> new IOException(
        config.registryPath() + ": no registry; run `larder apply` first")));
    return new TrainingSetBuilder(config, catalog, defaultBudget(), listener);
  }

  public static long defaultBudget() {
    return (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
  }

  /**
   * Runs the request.
   *
   * @throws IllegalArgumentException for requests that cannot work: unknown views or features, output name
   *     clashes, entity rows without a needed column or with a wrong type
   * @throws IOException when reading or writing fails, or a row is bad (the message names file, row, column)
   */
  public TrainingSetSummary run(TrainingSetRequest request) throws IOException {
    long start = System.nanoTime();
    OutputFormat format = OutputFormat.of(request.out());
    List<FeatureRef> refs = request.service() != null
        ? catalog.resolveService(request.service()) : catalog.resolve(request.features());
    Map<String, Catalog> versions = viewVersions(refs);
    List<EntityTable.RequiredKey> keys = new ArrayList<>();
    for (FeatureRef r : refs) {
      for (Field k : versions.get(r.viewName()).joinKeys(r.view())) {
        keys.add(new EntityTable.RequiredKey(r.viewName(), k.getName(), k.getType()));
      }
    }
    EntityTable entities = EntityTable.check(request.entities(), request.timestampColumn(), keys);
    List<ViewRequest> views = new ArrayList<>();
    for (FeatureColumns.ViewFeatures f : FeatureColumns.of(refs, request.fullFeatureNames(), entities.schema())) {
      views.add(viewRequest(versions.get(f.view().getName()), f, request.createdBeforeRow()));
    }
    Path out = request.out().toAbsolutePath().normalize();
    if (out.equals(request.entities().toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(out + ": the output would overwrite the entity rows");
    }
    Path dir = out.getParent();
    Files.createDirectories(dir);
    String name = out.getFileName().toString();
    String extension = format == OutputFormat.CSV ? ".csv" : ".parquet";
    // Everything written before the final rename lives in one work folder next to the output (same file system,
    // so the rename is atomic); a killed run's folder is removed by the next run in the same folder.
    try (WorkFolder work = WorkFolder.create(dir)) {
      Path tmp = work.path().resolve(name + extension);
      JoinedRows rows = new PointInTimeJoin(entities, request.timestampColumn(), views, memoryBudgetBytes,
          work.path(), listener).run();
      if (extension.equals(".csv")) {
        // joined rows are made on another thread while this one formats them
        try (RowReader ahead = new RowsAhead(rows, "larder-join-output", e -> false); RowWriter writer = RowWriters.create(tmp, rows.schema())) {
          for (Object[] row = ahead.next(); row != null; row = ahead.next()) {
            writer.write(row);
          }
        }
      } else {
        // records are cheap to hand over: the part threads write them into Parquet while this one joins
        try (rows; ParquetParts writer = new ParquetParts(tmp, rows.schema(), rows.recordCodec(),
            ParquetParts.PART_ROWS)) {
          for (byte[] record = rows.nextRecord(); record != null; record = rows.nextRecord()) {
            writer.write(record);
          }
        }
      }
      List<Coverage.Gap> gaps = Coverage.gaps(rows.summary(), catalog, config, entities);
      if (request.requireCoverage() && !gaps.isEmpty()) {
        throw new IOException(gaps.get(0).message() + "; no training set written (--require-coverage)");
      }
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
      return new TrainingSetSummary(out, rows.summary(), (System.nanoTime() - start) / 1e9,
          gaps.stream().map(Coverage.Gap::message).toList());
    }
  }

  ViewRequest viewRequest(Catalog versioned, FeatureColumns.ViewFeatures f, boolean createdBeforeRow) {
    FeatureView view = f.view();
    List<Column> joinKeys = versioned.joinKeys(view).stream().map(k -> new Column(k.getName(), k.getType())).toList();
    PointInTimeRule rule = PointInTimeRule.of(Catalog.ttl(view), createdBeforeRow);
    return new ViewRequest(view.getName(), joinKeys, f.featureNames(), f.columns(), rule,
        new ViewHistorySource(versioned, view, config));
  }

  /**
   * Per requested view, the catalog of the one version the training set reads (the current one unless the
   * references pin another). Two versions of one view in one training set would mix two meanings of it.
   *
   * @throws IllegalArgumentException when references ask for two versions of a view, or when an aggregation
   *     view's version has no computed history, with the command that computes it
   */
  Map<String, Catalog> viewVersions(List<FeatureRef> refs) throws IOException {
    Map<String, FeatureRef> first = new LinkedHashMap<>();
    for (FeatureRef r : refs) {
      FeatureRef seen = first.putIfAbsent(r.viewName(), r);
      if (seen != null && seen.version() != r.version()) {
        throw new IllegalArgumentException("feature view '" + r.viewName() + "' is requested at versions "
            + seen.version() + " and " + r.version() + "; a training set reads one version per view");
      }
    }
    Map<String, Catalog> out = new LinkedHashMap<>();
    OfflineStore store = OfflineStore.of(config);
    for (FeatureRef r : first.values()) {
      Catalog versioned = catalog.pinned(r.viewName(), r.version());
      if (Catalog.isAggregation(r.view()) && store.snapshots(versioned, r.viewName()).isEmpty()) {
        ViewVersions all = catalog.versions(r.viewName());
        String older = "";
        for (ViewVersions.Version v : all.all()) {
          if (v.number() != r.version() && !store.snapshots(catalog.pinned(r.viewName(), v.number()), r.viewName()).isEmpty()) {
            older = "; or pin version " + v.number() + ", which has history: " + r.viewName() + "@" + v.number() + ":<feature>";
          }
        }
        throw new IllegalArgumentException("feature view '" + r.viewName() + "' version " + r.version()
            + " has no history in the offline store; compute it first: larder compute --repo " + config.repoDir()
            + " --view " + r.viewName() + " --start <first label time minus the longest window> --end <last label time>"
            + older);
      }
      out.put(r.viewName(), versioned);
    }
    return out;
  }
}
