package dev.larder.join;

import dev.larder.pointintime.PointInTimeRule;
import static dev.larder.core.v1.ValueType.INT64;
import static dev.larder.core.v1.ValueType.STRING;
import static dev.larder.core.v1.ValueType.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.value.Column;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity rows too many for one block: they are joined in time blocks through temporary files. The output must
 * equal the one-block join row for row (so also be in input order), each block must read only its time range of
 * a view's daily snapshots (the history is read about once in total, not once per block), a view without TTL
 * still sees all its history, and no temporary file may be left, also after a failure.
 */
class TimeBlockJoinTest {
  private static final long DAY = 100;
  private static final int DAYS = 60;
  private static final int USERS = 200;
  private static final List<Column> ENTITY_COLUMNS = List.of(new Column("user_id", INT64),
      new Column("event_timestamp", TIMESTAMP), new Column("note", STRING));

  @TempDir
  Path tmp;

  @Test
  void timeBlocksGiveTheOneBlockResultInInputOrderAndReadTheSnapshotsAboutOnce() throws IOException {
    Random rnd = new Random(7);
    InMemoryRows entities = entities(rnd, 3000);
    History snapshots = snapshots(rnd);
    History profiles = profiles(rnd);

    List<Object[]> oneBlock = join(entities, snapshots, profiles, 1L << 30);
    assertThat(snapshots.opened.get()).isEqualTo(1);
    long rowsOneBlock = snapshots.rowsRead.getAndSet(0);
    snapshots.opened.set(0);

    List<Object[]> blocks = join(entities, snapshots, profiles, 100_000);
    assertThat(snapshots.opened.get()).as("time blocks").isGreaterThan(5);
    assertThat(blocks).hasSameSizeAs(oneBlock);
    for (int i = 0; i < oneBlock.size(); i++) {
      assertThat(blocks.get(i)).as("row %d", i).containsExactly(oneBlock.get(i));
      assertThat(Arrays.copyOf(blocks.get(i), 3)).as("input row %d", i).containsExactly(entities.rows().get(i));
    }
    assertThat(snapshots.rowsRead.get()).as("snapshot rows read by all blocks")
        .isLessThan(2 * rowsOneBlock);
    assertThat(oneBlock.stream().filter(r -> r[3] != null).count()).as("rows with a snapshot").isGreaterThan(1000);
    assertThat(oneBlock.stream().filter(r -> r[4] != null).count()).as("rows with a profile").isGreaterThan(500);
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("temporary files left").isEmpty();
    }
  }

  @Test
  void aFailedJoinLeavesNoTemporaryFiles() throws IOException {
    Random rnd = new Random(8);
    InMemoryRows entities = entities(rnd, 2000);
    History snapshots = snapshots(rnd);
    History broken = new History(snapshots.rows, 2 * DAY, 3);
    assertThatThrownBy(() -> join(entities, broken, profiles(rnd), 40_000))
        .isInstanceOf(IOException.class).hasMessageContaining("disk gone");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("temporary files left").isEmpty();
    }
  }

  private List<Object[]> join(InMemoryRows entities, History snapshots, History profiles, long budget)
      throws IOException {
    List<ViewRequest> views = List.of(
        new ViewRequest("activity", List.of(new Column("user_id", INT64)), List.of("clicks"),
            List.of(new Column("clicks", INT64)), new PointInTimeRule(snapshots.ttl, false), snapshots),
        new ViewRequest("profile", List.of(new Column("user_id", INT64)), List.of("tier"),
            List.of(new Column("tier", STRING)), new PointInTimeRule(profiles.ttl, false), profiles));
    List<Object[]> out = new ArrayList<>();
    try (JoinedRows rows = new PointInTimeJoin(entities, "event_timestamp", views, budget, tmp,
        JoinListener.NONE).run()) {
      for (Object[] r = rows.next(); r != null; r = rows.next()) {
        out.add(r);
      }
    }
    return out;
  }

  private static InMemoryRows entities(Random rnd, int n) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {rnd.nextInt(20) == 0 ? null : (long) rnd.nextInt(USERS),
          (long) rnd.nextInt((int) (DAYS * DAY)), "row " + i});
    }
    return new InMemoryRows(ENTITY_COLUMNS, rows);
  }

  /** Daily snapshots of most users, as of each day's start, with a two-day TTL. */
  private static History snapshots(Random rnd) {
    List<Object[]> rows = new ArrayList<>();
    for (int d = 0; d < DAYS; d++) {
      for (long u = 0; u < USERS; u++) {
        if (rnd.nextInt(4) != 0) {
          rows.add(new Object[] {u, d * DAY, d * DAY + 1, rnd.nextLong()});
        }
      }
    }
    return new History(rows, 2 * DAY, -1);
  }

  /** Profile changes at random times, without TTL: a row sees the latest one before it, however old. */
  private static History profiles(Random rnd) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      rows.add(new Object[] {(long) rnd.nextInt(USERS), (long) rnd.nextInt((int) (DAYS * DAY)), null,
          "tier " + rnd.nextInt(5)});
    }
    return new History(rows, Long.MAX_VALUE, -1);
  }

  /** History rows (key, event, created, feature) that returns exactly the asked range and counts what it read. */
  private static final class History implements HistorySource {
    final List<Object[]> rows;
    final long ttl;
    final int failAtOpen;
    final AtomicLong opened = new AtomicLong();
    final AtomicLong rowsRead = new AtomicLong();

    History(List<Object[]> rows, long ttl, int failAtOpen) {
      this.rows = rows;
      this.ttl = ttl;
      this.failAtOpen = failAtOpen;
    }

    @Override
    public RowReader open(long from, long to) throws IOException {
      if (opened.incrementAndGet() == failAtOpen) {
        throw new IOException("disk gone");
      }
      List<Object[]> in = rows.stream().filter(h -> (Long) h[1] >= from && (Long) h[1] <= to).toList();
      rowsRead.addAndGet(in.size());
      List<Column> cols = List.of(new Column("user_id", INT64), new Column("event_timestamp", TIMESTAMP),
          new Column("created_timestamp", TIMESTAMP), new Column(ttl == Long.MAX_VALUE ? "tier" : "clicks",
              ttl == Long.MAX_VALUE ? STRING : INT64));
      return new InMemoryRows(cols, in).open();
    }
  }
}
