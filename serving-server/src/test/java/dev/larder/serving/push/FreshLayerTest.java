package dev.larder.serving.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.online.FeatureRowCodec;
import dev.larder.online.FreshLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fresh layer's RocksDB: newest version per entity, prefix safety, housekeeping, reopening. */
class FreshLayerTest {
  @TempDir
  Path dir;

  static final FeatureRowCodec ROWS = new FeatureRowCodec(List.of(dev.larder.core.v1.ValueType.STRING));

  static byte[] entity(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] row(long event, String value) {
    return ROWS.encode(event, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {value});
  }

  @Test
  @org.junit.jupiter.api.Timeout(30) // without the fix the committer thread dies and the write waits forever
  void aBatchWithoutRowsCommitsItsExtraEntriesAndTheCommitterKeepsRunning() throws Exception {
    try (FreshLayer layer = FreshLayer.open(dir)) {
      FreshStore s = layer.forWrite("v", 1);
      // A stream consumer's poll of bad messages only: no rows, just its offsets (surefire runs with -ea, where
      // RocksDB's multiGetAsList asserts a non-empty key list).
      assertThat(s.write(List.of(), List.of(), java.util.Map.of("offsets", new byte[][] {"k".getBytes(), "v".getBytes()})))
          .isZero();
      // The committer thread is still alive: the next push is answered and served.
      assertThat(s.write(List.of(FreshLayout.key(entity("a"), 10)), List.of(row(10, "a10")))).isEqualTo(1);
      assertThat(ROWS.decodeJava(layer.of("v", 1).newest(List.of(entity("a")))[0])).containsExactly("a10");
    }
  }

  @Test
  void servesTheNewestVersionOfEachEntityEvenWhenOneKeyIsAPrefixOfAnother() throws Exception {
    try (FreshLayer layer = FreshLayer.open(dir)) {
      FreshStore s = layer.forWrite("v", 1);
      // "a" is a prefix of "ab": without the length prefix, a seek for "a" could land on "ab"'s versions.
      s.write(List.of(FreshLayout.key(entity("ab"), 50), FreshLayout.key(entity("a"), 10),
          FreshLayout.key(entity("a"), 30), FreshLayout.key(entity("a"), -5)),
          List.of(row(50, "ab50"), row(10, "a10"), row(30, "a30"), row(-5, "a-5")));
      byte[][] got = layer.of("v", 1).newest(List.of(entity("a"), entity("ab"), entity("b")));
      assertThat(ROWS.decodeJava(got[0])).containsExactly("a30");
      assertThat(ROWS.decodeJava(got[1])).containsExactly("ab50");
      assertThat(got[2]).isNull();
      assertThat(layer.of("v", 2)).isNull();
      assertThat(layer.of("other", 1)).isNull();
    }
  }

  @Test
  void housekeepingKeepsOnlyTheNewestVersionAndReopeningKeepsTheRows() throws Exception {
    try (FreshLayer layer = FreshLayer.open(dir)) {
      FreshStore s = layer.forWrite("v", 3);
      List<byte[]> keys = new ArrayList<>();
      List<byte[]> rows = new ArrayList<>();
      for (int e = 0; e < 100; e++) {
        for (long t = 1; t <= 5; t++) {
          keys.add(FreshLayout.key(entity("e" + e), t));
          rows.add(row(t, "e" + e + "@" + t));
        }
      }
      s.write(keys, rows);
      assertThat(layer.sweep()).isEqualTo(400);
      assertThat(layer.sweep()).isZero();
    }
    try (FreshLayer reopened = FreshLayer.open(dir)) {
      assertThat(reopened.versions()).containsExactly(new dev.larder.online.OnlineStore.ViewVersion("v", 3));
      byte[][] got = reopened.of("v", 3).newest(List.of(entity("e7"), entity("e99")));
      assertThat(ROWS.decodeJava(got[0])).containsExactly("e7@5");
      assertThat(ROWS.decodeJava(got[1])).containsExactly("e99@5");
    }
  }

  @Test
  void eachVersionIsLoggedOnceAndHousekeepingDropsWhatTheOfflineStoreCommitted() throws Exception {
    try (FreshLayer layer = FreshLayer.open(dir)) {
      FreshStore s = layer.forWrite("v", 1);
      byte[] a = FreshLayout.key(entity("a"), 1);
      byte[] b = FreshLayout.key(entity("b"), 1);
      assertThat(s.write(List.of(a, b, a), List.of(row(1, "a"), row(1, "b"), row(1, "a")))).isEqualTo(2);
      assertThat(s.write(List.of(a), List.of(row(1, "a")))).isZero(); // a retry of a logged version
      assertThat(s.write(List.of(FreshLayout.key(entity("a"), 2)), List.of(row(2, "a2")))).isEqualTo(1);
      assertThat(s.logEntries()).isEqualTo(3);
      java.nio.file.Files.writeString(FreshLayout.loggedFile(dir.resolve("v/v1")), "2\n");
      layer.sweep();
      assertThat(s.logEntries()).isEqualTo(1);
    }
    try (FreshLayer reopened = FreshLayer.open(dir)) {
      // Sequences continue after the highest ever given, so no logged sequence is reused.
      FreshStore s = reopened.forWrite("v", 1);
      s.write(List.of(FreshLayout.key(entity("c"), 1)), List.of(row(1, "c")));
      assertThat(s.logEntries()).isEqualTo(2);
    }
  }

  @Test
  void keysRoundTripTheirEventTime() {
    for (long t : new long[] {Long.MIN_VALUE + 1, -1, 0, 1, 1_700_000_000_000_000L, Long.MAX_VALUE}) {
      byte[] k = FreshLayout.key(entity("x"), t);
      assertThat(FreshLayout.eventMicros(k)).isEqualTo(t);
      assertThat(FreshLayout.isVersionOf(k, FreshLayout.prefix(entity("x")))).isTrue();
    }
  }
}
