package dev.larder.training;

import dev.larder.core.v1.Field;
import dev.larder.join.PointInTimeJoin;
import dev.larder.join.ViewRequest;
import dev.larder.offline.OutputFormat;
import dev.larder.offline.RowWriter;
import dev.larder.offline.RowWriters;
import dev.larder.offline.ViewHistory;
import dev.larder.online.EntityKeyCodec;
import dev.larder.pointintime.PointInTimeRule;
import dev.larder.registry.Catalog;
import dev.larder.registry.Catalog.FeatureRef;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A training-set request in a form an engine that runs on many machines (Spark) can ship to its workers, with the
 * embedded engine's pieces that each stage needs: the same checks of the request and the entity rows as
 * {@link TrainingSetBuilder}, the same view histories ({@link ViewHistory}, part by part), the same key encoding
 * ({@link EntityKeyCodec}), the same {@link PointInTimeRule}, the same output schema, and the same atomic output
 * write. The distributed engine only decides where rows go; which history row a training row sees is decided by
 * {@link Winner}, on the shared rule.
 *
 * <p>Rebuilt on each worker from the repository path and the request (the registry, the entity file and the
 * offline store must be readable there, as for any Spark input).
 */
public final class DistributedTrainingSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String repoDir;
  private final String entities;
  private final List<String> features;
  private final String service;
  private final String out;
  private final boolean fullFeatureNames;
  private final String timestampColumn;
  private final boolean createdBeforeRow;
  private transient Plan plan;

  /** The resolved request: entity rows, views in output order, their catalogs (versions), output schema. */
  private record Plan(ProjectConfig config, EntityTable entities, List<ViewRequest> views, List<Catalog> catalogs,
                      List<EntityKeyCodec> codecs, int timestamp, int[][] keyColumns, RowSchema output) {}

  /**
   * Checks the request as {@code larder training-set} does.
   *
   * @throws IllegalArgumentException for a request that cannot work (unknown features, missing columns...)
   */
  public DistributedTrainingSet(ProjectConfig config, TrainingSetRequest request) throws IOException {
    if (request.requireCoverage()) {
      throw new IllegalArgumentException("--require-coverage is not supported with --engine spark yet");
    }
    this.repoDir = config.repoDir().toAbsolutePath().toString();
    this.entities = request.entities().toAbsolutePath().toString();
    this.features = List.copyOf(request.features());
    this.service = request.service();
    this.out = request.out().toAbsolutePath().normalize().toString();
    this.fullFeatureNames = request.fullFeatureNames();
    this.timestampColumn = request.timestampColumn();
    this.createdBeforeRow = request.createdBeforeRow();
    plan();
    if (Path.of(out).equals(Path.of(entities).normalize())) {
      throw new IllegalArgumentException(out + ": the output would overwrite the entity rows");
    }
    OutputFormat.of(Path.of(out));
  }

  private Plan plan() throws IOException {
    if (plan != null) {
      return plan;
    }
    ProjectConfig config = ProjectConfig.load(Path.of(repoDir));
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow(() -> new IOException(
        config.registryPath() + ": no registry; run `larder apply` first")));
    TrainingSetBuilder builder = new TrainingSetBuilder(config, catalog, 0, null);
    List<FeatureRef> refs = service != null ? catalog.resolveService(service) : catalog.resolve(features);
    Map<String, Catalog> versions = builder.viewVersions(refs);
    List<EntityTable.RequiredKey> keys = new ArrayList<>();
    for (FeatureRef r : refs) {
      for (Field k : versions.get(r.viewName()).joinKeys(r.view())) {
        keys.add(new EntityTable.RequiredKey(r.viewName(), k.getName(), k.getType()));
      }
    }
    EntityTable table = EntityTable.check(Path.of(entities), timestampColumn, keys);
    List<ViewRequest> views = new ArrayList<>();
    List<Catalog> catalogs = new ArrayList<>();
    List<EntityKeyCodec> codecs = new ArrayList<>();
    for (FeatureColumns.ViewFeatures f : FeatureColumns.of(refs, fullFeatureNames, table.schema())) {
      Catalog versioned = versions.get(f.view().getName());
      views.add(builder.viewRequest(versioned, f, createdBeforeRow));
      catalogs.add(versioned);
      codecs.add(new EntityKeyCodec(versioned.joinKeys(f.view())));
    }
    int[][] keyColumns = new int[views.size()][];
    for (int v = 0; v < views.size(); v++) {
      keyColumns[v] = views.get(v).joinKeys().stream().mapToInt(c -> table.schema().indexOf(c.name())).toArray();
    }
    plan = new Plan(config, table, views, catalogs, codecs, table.schema().indexOf(timestampColumn), keyColumns,
        PointInTimeJoin.outputSchema(table.schema(), views));
    return plan;
  }

  /** The output columns: the entity rows' columns, then each view's features. */
  public RowSchema outputSchema() throws IOException {
    return plan().output();
  }

  /** The views to join, in output order. */
  public int views() throws IOException {
    return plan().views().size();
  }

  public String viewName(int view) throws IOException {
    return plan().views().get(view).name();
  }

  /** The number of requested features of a view (its share of the output row). */
  public int width(int view) throws IOException {
    return plan().views().get(view).features().size();
  }

  /** The parts of a view's history, one read task each (see {@link ViewHistory#parts}). */
  public int historyParts(int view) throws IOException {
    Plan p = plan();
    ViewRequest v = p.views().get(view);
    return ViewHistory.parts(p.catalogs().get(view), p.catalogs().get(view).requireView(v.name()), p.config());
  }

  /** Opens the entity rows, in input order, with their timestamps parsed (as the embedded engine reads them). */
  public RowReader openEntities() throws IOException {
    return plan().entities().open();
  }

  /** The entity row's time (micros). */
  public long entityTime(Object[] row) throws IOException {
    return (Long) row[plan().timestamp()];
  }

  /** The encoded join key of an entity row for a view, or null when one of its key values is null (no match). */
  public byte[] entityKey(int view, Object[] row) throws IOException {
    Plan p = plan();
    int[] cols = p.keyColumns()[view];
    Object[] values = new Object[cols.length];
    for (int k = 0; k < cols.length; k++) {
      values[k] = row[cols[k]];
      if (values[k] == null) {
        return null;
      }
    }
    return p.codecs().get(view).encode(values);
  }

  /** The position of the {@code row}th row of history part {@code part} in the embedded engine's read order. */
  public static long sequence(int part, long row) {
    return ((long) part << 40) | row;
  }

  /** One history row reduced to what the rule needs: key, times, read order, the requested features. */
  public record HistoryRow(byte[] key, long availableAt, long eventTs, long createdTs, long sequence,
                           Object[] features) implements Serializable {}

  /** Reads one part of a view's history; rows with a null key can match no entity row and are left out. */
  public Iterator<HistoryRow> openHistory(int view, int part, List<AutoCloseable> toClose) throws IOException {
    Plan p = plan();
    ViewRequest v = p.views().get(view);
    Catalog catalog = p.catalogs().get(view);
    RowReader in = ViewHistory.openPart(catalog, catalog.requireView(v.name()), p.config(), part);
    toClose.add(in);
    RowSchema s = in.schema();
    int[] keys = v.joinKeys().stream().mapToInt(c -> s.indexOf(c.name())).toArray();
    int[] feats = v.features().stream().mapToInt(s::indexOf).toArray();
    int event = s.indexOf(ViewRequest.EVENT_TIMESTAMP);
    int created = s.indexOf(ViewRequest.CREATED_TIMESTAMP);
    EntityKeyCodec codec = p.codecs().get(view);
    PointInTimeRule rule = v.rule();
    return new Iterator<>() {
      private HistoryRow next;
      private long row;

      @Override
      public boolean hasNext() {
        try {
          while (next == null) {
            Object[] r = in.next();
            if (r == null) {
              return false;
            }
            long seq = sequence(part, row++);
            Object[] key = new Object[keys.length];
            boolean nullKey = false;
            for (int k = 0; k < keys.length; k++) {
              key[k] = r[keys[k]];
              nullKey |= key[k] == null;
            }
            if (nullKey) {
              continue;
            }
            long ets = (Long) r[event];
            long cts = created < 0 || r[created] == null ? PointInTimeRule.NO_CREATED : (Long) r[created];
            Object[] values = new Object[feats.length];
            for (int f = 0; f < feats.length; f++) {
              values[f] = feats[f] < 0 ? null : r[feats[f]];
            }
            next = new HistoryRow(codec.encode(key), rule.availableAt(ets, cts), ets, cts, seq, values);
          }
          return true;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public HistoryRow next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        HistoryRow r = next;
        next = null;
        return r;
      }
    };
  }

  /**
   * The point-in-time rule applied to one key's rows in time order: history rows in order of availability, each
   * entity row after the history rows available at its time. Holds one candidate, whatever the key's size: the
   * greatest available row by {@link PointInTimeRule#compareCandidates} is the winner if it is fresh, and when
   * it is not, no older row is (freshness depends on the event time only, which the candidate order puts first).
   */
  public static final class Winner {
    private final PointInTimeRule rule;
    private HistoryRow best;

    public Winner(DistributedTrainingSet set, int view) throws IOException {
      this.rule = set.plan().views().get(view).rule();
    }

    /** Starts a new key. */
    public void reset() {
      best = null;
    }

    /** Offers a history row of the current key (in availability order). */
    public void offer(HistoryRow h) {
      if (best == null || PointInTimeRule.compareCandidates(h.eventTs(), h.createdTs(), h.sequence(),
          best.eventTs(), best.createdTs(), best.sequence()) > 0) {
        best = h;
      }
    }

    /** The features an entity row at {@code rowTs} sees, or null when no history row qualifies. */
    public Object[] at(long rowTs) {
      return best != null && rule.isCandidate(rowTs, best.eventTs(), best.createdTs()) ? best.features() : null;
    }
  }

  /**
   * Writes the joined rows (in entity order) to the output as {@code larder training-set} does: into a work folder
   * beside it, renamed into place only when complete, so a failed run leaves no partial output.
   *
   * @return the number of rows written
   */
  public long write(Iterator<Object[]> rows) throws IOException {
    Path target = Path.of(out);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    String extension = OutputFormat.of(target) == OutputFormat.CSV ? ".csv" : ".parquet";
    try (WorkFolder work = WorkFolder.create(dir)) {
      Path tmp = work.path().resolve(target.getFileName() + extension);
      long n;
      try (RowWriter writer = RowWriters.create(tmp, outputSchema())) {
        while (rows.hasNext()) {
          writer.write(rows.next());
        }
        n = writer.rows();
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return n;
    }
  }

  public Path out() {
    return Path.of(out);
  }
}
