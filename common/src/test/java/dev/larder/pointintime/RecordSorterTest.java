package dev.larder.pointintime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordSorterTest {
  @TempDir
  Path dir;

  private record Rec(int hash, byte[] key, long time, long aux, byte[] payload) {}

  @Test
  void sortsAcrossMoreRunsThanOneMergeTakes() throws IOException {
    List<Rec> input = random(3000, 50);
    List<Rec> sorted = sort(input, 1_000);
    assertSorted(sorted, input);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("run files are deleted once read").isEmpty();
    }
  }

  @Test
  void sortsInMemoryWithoutFiles() throws IOException {
    List<Rec> input = random(2000, 7);
    try (RecordSorter s = new RecordSorter(dir, "t", 1 << 30)) {
      for (Rec r : input) {
        s.add(r.hash, r.key, r.time, r.aux, r.payload);
      }
      try (RecordCursor c = s.sorted()) {
        List<Rec> out = drain(c);
        assertSorted(out, input);
      }
      assertThat(s.runCount()).isZero();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aHotKeyLargerThanTheInsertionSortLimitSortsByTime() throws IOException {
    List<Rec> input = new ArrayList<>();
    Random rnd = new Random(1);
    byte[] key = {1, 2, 3};
    for (int i = 0; i < 500; i++) {
      input.add(new Rec(KeyEncoder.hash(key), key, rnd.nextInt(100), i, new byte[] {(byte) i}));
    }
    assertSorted(sort(input, 1 << 30), input);
  }

  private List<Rec> sort(List<Rec> input, long budget) throws IOException {
    try (RecordSorter s = new RecordSorter(dir, "t", budget)) {
      for (Rec r : input) {
        s.add(r.hash, r.key, r.time, r.aux, r.payload);
      }
      assertThat(s.runCount() > 0).isEqualTo(budget < 1 << 20);
      try (RecordCursor c = s.sorted()) {
        return drain(c);
      }
    }
  }

  private static List<Rec> drain(RecordCursor c) throws IOException {
    List<Rec> out = new ArrayList<>();
    while (c.next()) {
      out.add(new Rec(c.hash(), c.key(), c.time(), c.aux(), c.payload()));
    }
    return out;
  }

  private static void assertSorted(List<Rec> out, List<Rec> input) {
    assertThat(out).hasSameSizeAs(input);
    for (int i = 1; i < out.size(); i++) {
      Rec a = out.get(i - 1);
      Rec b = out.get(i);
      assertThat(RecordCursor.compare(a.hash, a.key, a.time, b.hash, b.key, b.time)).isLessThanOrEqualTo(0);
    }
    Comparator<Rec> byAux = Comparator.comparingLong(Rec::aux);
    List<Rec> back = new ArrayList<>(out);
    back.sort(byAux);
    for (int i = 0; i < input.size(); i++) {
      assertThat(back.get(i).aux).isEqualTo(input.get(i).aux);
      assertThat(back.get(i).key).isEqualTo(input.get(i).key);
      assertThat(back.get(i).payload).isEqualTo(input.get(i).payload);
      assertThat(back.get(i).time).isEqualTo(input.get(i).time);
    }
  }

  private static List<Rec> random(int n, int keys) {
    Random rnd = new Random(n);
    List<Rec> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = rnd.nextInt(keys);
      byte[] key = (k % 3 == 0 ? "a-longer-key-" + k : "k" + k).getBytes(); // beyond and within 8 bytes
      byte[] payload = rnd.nextInt(4) == 0 ? RecordCursor.EMPTY : new byte[rnd.nextInt(300)];
      rnd.nextBytes(payload);
      out.add(new Rec(KeyEncoder.hash(key), key, rnd.nextInt(20), i, payload));
    }
    return out;
  }
}
