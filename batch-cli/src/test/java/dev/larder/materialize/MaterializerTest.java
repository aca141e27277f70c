package dev.larder.materialize;

import static dev.larder.materialize.MaterializeRepo.DAY;
import static dev.larder.materialize.MaterializeRepo.HOUR;
import static dev.larder.materialize.MaterializeRepo.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.FeatureView;
import dev.larder.offline.OfflineStore;
import dev.larder.online.OnlineOptions;
import dev.larder.registry.Catalog;
import dev.larder.time.Timestamps;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental windows and interval recording, with history rows held in memory. */
class MaterializerTest {
  @TempDir
  Path dir;

  /** Serves fixed rows per view and remembers the [start, end] each open asked for. */
  private static final class Recording implements MaterializeSource {
    final Map<String, List<Object[]>> rows;
    final List<String> asked = new ArrayList<>();

    Recording(Map<String, List<Object[]>> rows) {
      this.rows = rows;
    }

    @Override
    public RowReader open(Catalog catalog, FeatureView view, long start, long end) {
      asked.add(view.getName() + " " + (start == Long.MIN_VALUE ? "-inf" : Timestamps.format(start)) + " "
          + Timestamps.format(end));
      RowSchema schema = OfflineStore.snapshotSchema(catalog, view);
      List<Object[]> list = rows.getOrDefault(view.getName(), List.of());
      return new RowReader() {
        int next;

        @Override
        public RowSchema schema() {
          return schema;
        }

        @Override
        public Object[] next() {
          return next < list.size() ? list.get(next++).clone() : null;
        }

        @Override
        public String position() {
          return "memory row " + next;
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void firstIncrementalRunStartsAtEndMinusTtlOrCoversAllHistory() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, "");
    Recording history = new Recording(Map.of(
        "profile", List.of(
            new Object[] {1L, START + 10 * HOUR, null, 30L, "kept"},
            new Object[] {2L, START - 5 * DAY, null, 40L, "before the window, ignored"}),
        "local", List.of(
            new Object[] {1L, "FR", START - 100 * DAY, null, 1.5},
            new Object[] {1L, "DE", START + HOUR, null, 2.5})));
    Materializer m = new Materializer(repo.config, history, OnlineOptions.defaults(), Clock.systemUTC());
    long end = START + DAY;
    List<Materializer.ViewResult> results = m.run(new Materializer.Request(List.of(), OptionalLong.empty(), end), r -> {});

    assertThat(history.asked).containsExactly(
        "profile 2025-12-31T00:00:00Z 2026-01-02T00:00:00Z", "local -inf 2026-01-02T00:00:00Z");
    assertThat(results.get(0).summary().rowsRead()).isEqualTo(1);
    assertThat(results.get(1).summary().entitiesTotal()).isEqualTo(2);
    // Whole-history runs record the earliest event actually read as the interval's start.
    assertThat(results.get(1).startMicros()).isEqualTo(START - 100 * DAY);
    assertThat(repo.profile(1)).containsExactly(30L, "kept");
    assertThat(repo.profile(2)).isNull();

    // The next day holds no rows: recorded only because empty intervals are allowed here.
    m.run(new Materializer.Request(List.of("local"), OptionalLong.empty(), end + DAY, true), r -> {});
    assertThat(history.asked.get(2)).isEqualTo("local 2026-01-02T00:00:00Z 2026-01-03T00:00:00Z");
    assertThat(repo.registry().getViewStatesOrThrow("local").getMaterializedCount()).isEqualTo(2);
  }

  @Test
  void anIntervalIsNotRecordedWhenTheViewChangedVersionDuringTheRun() throws Exception {
    MaterializeRepo repo = MaterializeRepo.create(dir, "");
    Recording history = new Recording(Map.of("profile", List.<Object[]>of(new Object[] {1L, START, null, 30L, "x"})));
    MaterializeSource bumpsVersion = (catalog, view, start, end) -> {
      var registry = repo.registry();
      dev.larder.registry.RegistryFile.write(repo.config.registryPath(), registry.toBuilder()
          .setVersion(registry.getVersion() + 1)
          .putViewStates("profile", registry.getViewStatesOrThrow("profile").toBuilder().setVersion(2).build())
          .build());
      return history.open(catalog, view, start, end);
    };
    Materializer m = new Materializer(repo.config, bumpsVersion, OnlineOptions.defaults(), Clock.systemUTC());
    Materializer.ViewResult r = m.run(new Materializer.Request(List.of("profile"), OptionalLong.of(START),
        START + DAY), x -> {}).get(0);
    assertThat(r.recorded()).isFalse();
    assertThat(r.note()).contains("interval not recorded");
    assertThat(repo.registry().getViewStatesOrThrow("profile").getMaterializedCount()).isZero();
  }
}
