package dev.larder.materialize;

import dev.larder.online.FeatureLayout;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineRow;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import static dev.larder.materialize.OnlineFixtures.SECOND;
import static dev.larder.materialize.OnlineFixtures.VIEW;
import static dev.larder.materialize.OnlineFixtures.begin;
import static dev.larder.materialize.OnlineFixtures.key;
import static dev.larder.materialize.OnlineFixtures.read;
import static dev.larder.materialize.OnlineFixtures.small;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.lock.RepoLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnlineStoreTest {
  @TempDir
  Path online;

  /** Rows for users 0..n-1, each with several versions in random order; the newest has event time 100+v. */
  private static List<Object[]> shuffledHistory(int users, int versions, long seed) {
    List<Object[]> rows = new ArrayList<>();
    for (long u = 0; u < users; u++) {
      for (int v = 0; v < versions; v++) {
        rows.add(new Object[] {u, (100L + v) * SECOND, (long) v, u * 10 + v});
      }
    }
    Collections.shuffle(rows, new Random(seed));
    return rows;
  }

  @ParameterizedTest(name = "sort buffer {0} bytes")
  @ValueSource(ints = {8192, 64 << 20})
  void keepsTheNewestRowPerEntityWhetherSortedInMemoryOrSpilled(int sortBuffer) throws Exception {
    List<Object[]> rows = shuffledHistory(2000, 4, 7);
    OnlineWriter.Summary summary;
    try (OnlineWriter w = begin(online, null, 0, small().withSortBufferBytes(sortBuffer).withSstFileBytes(16 << 10))) {
      for (Object[] r : rows) {
        long u = (Long) r[0];
        long v = (Long) r[3] - u * 10;
        w.put(new Object[] {u}, (Long) r[1], (Long) r[2], new Object[] {r[3], v / 2.0, v == 1 ? null : "u" + u});
      }
      summary = w.commit();
    }
    assertThat(summary.rowsRead()).isEqualTo(8000);
    assertThat(summary.entitiesWritten()).isEqualTo(2000);
    assertThat(summary.entitiesTotal()).isEqualTo(2000);
    assertThat(summary.skippedAsOlder()).isZero();

    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      try (ViewData data = store.acquire(VIEW, 1)) {
        assertThat(data.runId()).isEqualTo(summary.runId());
        List<byte[]> keys = new ArrayList<>();
        for (long u = 0; u < 2000; u++) {
          keys.add(key(u));
        }
        keys.add(key(99_999));
        byte[][] got = data.multiGet(keys);
        assertThat(got[2000]).isNull();
        for (int u = 0; u < 2000; u++) {
          OnlineRow row = OnlineFixtures.ROW_CODEC.decode(got[u]);
          assertThat(row.eventTimestampMicros()).isEqualTo(103 * SECOND);
          assertThat(row.createdTimestampMicros()).isEqualTo(3);
          assertThat(row.values()[0].getInt64Val()).isEqualTo(u * 10L + 3);
          assertThat(row.values()[1].getDoubleVal()).isEqualTo(1.5);
          assertThat(row.values()[2].getStringVal()).isEqualTo("u" + u);
        }
      }
      assertThat(store.acquire(VIEW, 2)).isNull();
      assertThat(store.acquire("other_view", 1)).isNull();
    }
  }

  @Test
  void materializationNeverGoesBackwards() throws Exception {
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, 100 * SECOND, 5, new Object[] {1L, 1.0, "new"});
      w.put(new Object[] {2L}, 100 * SECOND, 5, new Object[] {2L, 2.0, "old created"});
      w.commit();
    }
    OnlineWriter.Summary second;
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, 50 * SECOND, 9, new Object[] {-1L, -1.0, "older event"});
      w.put(new Object[] {2L}, 100 * SECOND, 6, new Object[] {22L, 22.0, "newer created"});
      w.put(new Object[] {3L}, 10 * SECOND, 1, new Object[] {3L, 3.0, "brand new"});
      second = w.commit();
    }
    assertThat(second.skippedAsOlder()).isEqualTo(1);
    assertThat(second.entitiesWritten()).isEqualTo(2);
    assertThat(second.entitiesTotal()).isEqualTo(3);
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(read(store, 1)).containsExactly(1L, 1.0, "new");
      assertThat(read(store, 2)).containsExactly(22L, 22.0, "newer created");
      assertThat(read(store, 3)).containsExactly(3L, 3.0, "brand new");
    }
  }

  @Test
  void rowsOutsideTheTtlAreDroppedAtTheNextRun() throws Exception {
    Duration ttl = Duration.ofSeconds(10);
    try (OnlineWriter w = begin(online, ttl, 1000 * SECOND, small())) {
      w.put(new Object[] {1L}, 995 * SECOND, 0, new Object[] {1L, 1.0, "a"});
      w.put(new Object[] {2L}, 999 * SECOND, 0, new Object[] {2L, 2.0, "b"});
      w.put(new Object[] {3L}, 980 * SECOND, 0, new Object[] {3L, 3.0, "expired on arrival"});
      OnlineWriter.Summary s = w.commit();
      assertThat(s.expired()).isEqualTo(1);
      assertThat(s.entitiesTotal()).isEqualTo(2);
    }
    try (OnlineWriter w = begin(online, ttl, 1007 * SECOND, small())) {
      OnlineWriter.Summary s = w.commit();
      assertThat(s.expired()).isEqualTo(1);
      assertThat(s.entitiesTotal()).isEqualTo(1);
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(read(store, 1)).isNull();
      assertThat(read(store, 2)).containsExactly(2L, 2.0, "b");
      assertThat(read(store, 3)).isNull();
    }
  }

  @Test
  void aRowExactlyOneTtlOldHasExpiredAsThePointInTimeRuleSays() throws Exception {
    Duration ttl = Duration.ofSeconds(10);
    try (OnlineWriter w = begin(online, ttl, 1000 * SECOND, small())) {
      w.put(new Object[] {1L}, 990 * SECOND, 0, new Object[] {1L, 1.0, "exactly one ttl old"});
      w.put(new Object[] {2L}, 990 * SECOND + 1, 0, new Object[] {2L, 2.0, "one micro younger"});
      OnlineWriter.Summary s = w.commit();
      assertThat(s.expired()).isEqualTo(1);
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(read(store, 1)).isNull();
      assertThat(read(store, 2)).containsExactly(2L, 2.0, "one micro younger");
    }
  }

  @Test
  void aSecondConcurrentRunIsRefusedAndAnAbortedRunChangesNothing() throws Exception {
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, SECOND, 0, new Object[] {1L, 1.0, "served"});
      w.commit();
    }
    OnlineWriter first = begin(online, null, 0, small());
    assertThatThrownBy(() -> begin(online, null, 0, small()))
        .isInstanceOf(RepoLock.LockedException.class)
        .hasMessageContaining("online materialization of view 'user_stats'");
    first.put(new Object[] {1L}, 2 * SECOND, 0, new Object[] {2L, 2.0, "never published"});
    first.abort();
    assertThatThrownBy(() -> first.put(new Object[] {1L}, 0, 0, new Object[3])).isInstanceOf(IllegalStateException.class);

    try (OnlineWriter w = begin(online, null, 0, small())) {
      assertThatThrownBy(() -> w.put(new Object[] {"not a long"}, 0, 0, new Object[3]))
          .hasMessageContaining("join key 'user_id' expects int64");
      w.abort();
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(read(store, 1)).containsExactly(1L, 1.0, "served");
    }
    assertThat(OnlineLayout.runIds(OnlineLayout.versionDir(online, VIEW, 1))).hasSize(1);
    assertThat(OnlineLayout.tmpIds(OnlineLayout.versionDir(online, VIEW, 1))).isEmpty();
  }

  @Test
  void keepsThePreviousRunAndRemovesOlderAndInterruptedOnes() throws Exception {
    Path versionDir = OnlineLayout.versionDir(online, VIEW, 1);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (OnlineWriter w = begin(online, null, 0, small())) {
        w.put(new Object[] {1L}, i * SECOND, 0, new Object[] {(long) i, 0.0, "run " + i});
        ids.add(w.commit().runId());
      }
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(OnlineLayout.runIds(versionDir)).containsExactly(ids.get(1), ids.get(2));
    assertThat(OnlineLayout.readCurrent(versionDir)).hasValue(ids.get(2));

    // What a killed run leaves: a half-built run folder and its temp folder, newer than CURRENT.
    Files.createDirectories(OnlineLayout.runDir(versionDir, ids.get(2) + 5));
    Files.createDirectories(OnlineLayout.tmpDir(versionDir, ids.get(2) + 5));
    try (OnlineWriter w = begin(online, null, 0, small())) {
      assertThat(w.runId()).isGreaterThan(ids.get(2) + 5);
      assertThat(OnlineLayout.runIds(versionDir)).containsExactly(ids.get(1), ids.get(2));
      w.commit();
    }
  }

  @Test
  void refreshSwapsRunsWhileAnOldHandleKeepsWorkingUntilClosed() throws Exception {
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, SECOND, 0, new Object[] {1L, 1.0, "first"});
      w.commit();
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      ViewData old = store.acquire(VIEW, 1);
      assertThat(store.refresh()).isEmpty();

      try (OnlineWriter w = begin(online, null, 0, small())) {
        w.put(new Object[] {1L}, 2 * SECOND, 0, new Object[] {2L, 2.0, "second"});
        w.commit();
      }
      assertThat(store.refresh()).containsExactly(VIEW);
      assertThat(read(store, 1)).containsExactly(2L, 2.0, "second");
      // The old handle still reads the old, now unpublished run.
      assertThat(OnlineFixtures.ROW_CODEC.decodeJava(old.multiGet(List.of(key(1)))[0])).containsExactly(1L, 1.0, "first");
      old.close();
      old.close();
      assertThatThrownBy(() -> old.multiGet(List.of(key(1)))).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void readersNeverSeeAClosedRunWhileRunsAreSwapped() throws Exception {
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, SECOND, 0, new Object[] {0L, 0.0, "v"});
      w.commit();
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      long[] lastSeen = {0};
      Thread reader = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            try (ViewData d = store.acquire(VIEW, 1)) {
              long clicks = (Long) OnlineFixtures.ROW_CODEC.decodeJava(d.multiGet(List.of(key(1)))[0])[0];
              if (clicks < lastSeen[0]) {
                throw new AssertionError("went back from " + lastSeen[0] + " to " + clicks);
              }
              lastSeen[0] = clicks;
            }
          }
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      reader.start();
      for (long i = 1; i <= 5; i++) {
        try (OnlineWriter w = begin(online, null, 0, small())) {
          w.put(new Object[] {1L}, (i + 1) * SECOND, 0, new Object[] {i, 0.0, "v"});
          w.commit();
        }
        assertThat(store.refresh()).containsExactly(VIEW);
      }
      Thread.sleep(50);
      reader.interrupt();
      reader.join();
      assertThat(errors).isEmpty();
      assertThat(lastSeen[0]).isEqualTo(5);
    }
  }

  @Test
  void aRunThatCannotBeOpenedLeavesThePreviousOneServed() throws Exception {
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {1L}, SECOND, 0, new Object[] {1L, 1.0, "good"});
      w.commit();
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      Path versionDir = OnlineLayout.versionDir(online, VIEW, 1);
      Path broken = OnlineLayout.runDir(versionDir, 999_999_999_999_999L);
      Files.createDirectories(broken);
      Files.writeString(broken.resolve("CURRENT"), "MANIFEST-000001\n");
      OnlineLayout.writeCurrent(versionDir, 999_999_999_999_999L);
      assertThat(store.refresh()).isEmpty();
      assertThat(store.refresh()).isEmpty();
      assertThat(read(store, 1)).containsExactly(1L, 1.0, "good");

      Files.writeString(versionDir.resolve("CURRENT"), "garbage");
      assertThat(store.refresh()).isEmpty();
      assertThat(read(store, 1)).containsExactly(1L, 1.0, "good");
    }
  }

  @Test
  void anEmptyStoreServesNothingAndPicksUpTheFirstRun() throws Exception {
    try (OnlineStore store = OnlineStore.openForReading(online.resolve("not-yet"), small())) {
      assertThat(store.acquire(VIEW, 1)).isNull();
      assertThat(store.refresh()).isEmpty();
      try (OnlineWriter w = OnlineWriter.begin(online.resolve("not-yet"), VIEW, 1, OnlineFixtures.KEYS,
          OnlineFixtures.TYPES, null, 0, small())) {
        w.put(new Object[] {1L}, SECOND, 0, new Object[] {1L, 1.0, "x"});
        w.commit();
      }
      assertThat(store.refresh()).containsExactly(VIEW);
      assertThat(read(store, 1)).containsExactly(1L, 1.0, "x");
      assertThat(store.served()).hasSize(1);
      assertThat(store.estimatedEntities(VIEW, 1)).isEqualTo(1);
    }
  }

  @Test
  void aServedRunWithAnotherFeatureOrderIsRemappedByName() throws Exception {
    FeatureLayout before = new FeatureLayout(List.of("clicks", "score", "name"), OnlineFixtures.TYPES);
    try (OnlineWriter w = OnlineWriter.begin(online, VIEW, 1, OnlineFixtures.KEYS, before, null, 0, small())) {
      w.put(new Object[] {1L}, SECOND, 0, new Object[] {1L, 1.0, "untouched"});
      w.put(new Object[] {2L}, SECOND, 0, new Object[] {2L, 2.0, "updated"});
      w.commit();
    }
    // A non-breaking change: "name" moves first, "age" is inserted, "score" is gone.
    FeatureLayout after = new FeatureLayout(List.of("name", "age", "clicks"),
        List.of(dev.larder.core.v1.ValueType.STRING, dev.larder.core.v1.ValueType.INT32, dev.larder.core.v1.ValueType.INT64));
    try (OnlineWriter w = OnlineWriter.begin(online, VIEW, 1, OnlineFixtures.KEYS, after, null, 0, small())) {
      w.put(new Object[] {2L}, 2 * SECOND, 0, new Object[] {"new", 7, 22L});
      w.commit();
    }
    FeatureRowCodec codec = new FeatureRowCodec(after.types());
    try (OnlineStore store = OnlineStore.openForReading(online, small());
         ViewData data = store.acquire(VIEW, 1)) {
      assertThat(data.features()).isEqualTo(after);
      byte[][] rows = data.multiGet(List.of(key(1), key(2)));
      assertThat(codec.decodeJava(rows[0])).containsExactly("untouched", null, 1L);
      assertThat(codec.decodeJava(rows[1])).containsExactly("new", 7, 22L);
    }
  }

  @Test
  void rollbackServesThePreviousRunAgainAndTheNextRunBuildsOnIt() throws Exception {
    for (long i = 1; i <= 2; i++) {
      try (OnlineWriter w = begin(online, null, 0, small())) {
        w.put(new Object[] {1L}, i * SECOND, 0, new Object[] {i, 0.0, "run " + i});
        w.commit();
      }
    }
    long served = OnlineHousekeeping.rollback(online, VIEW, 1);
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(store.served().get(0).runId()).isEqualTo(served);
      assertThat(read(store, 1)).containsExactly(1L, 0.0, "run 1");
    }
    assertThatThrownBy(() -> OnlineHousekeeping.rollback(online, VIEW, 1)).hasMessageContaining("nothing to roll back to");
    try (OnlineWriter w = begin(online, null, 0, small())) {
      w.put(new Object[] {2L}, SECOND, 0, new Object[] {2L, 0.0, "after rollback"});
      w.commit();
    }
    try (OnlineStore store = OnlineStore.openForReading(online, small())) {
      assertThat(read(store, 1)).containsExactly(1L, 0.0, "run 1");
      assertThat(read(store, 2)).containsExactly(2L, 0.0, "after rollback");
    }
  }
}
