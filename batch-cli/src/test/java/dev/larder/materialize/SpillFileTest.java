package dev.larder.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spill records survive buffer edges (records split across reads, records larger than the buffer). */
class SpillFileTest {
  @TempDir
  Path tmp;

  @Test
  void recordsReadBackExactlyAcrossBufferEdges() throws Exception {
    Random rnd = new Random(3);
    List<byte[][]> written = new ArrayList<>();
    Path file = tmp.resolve("spill.bin");
    try (SpillFile.Writer w = new SpillFile.Writer(file)) {
      for (int i = 0; i < 5000; i++) {
        byte[] key = new byte[1 + rnd.nextInt(20)];
        byte[] row = new byte[i % 997 == 0 ? 3_000_000 : rnd.nextInt(300)];
        rnd.nextBytes(key);
        rnd.nextBytes(row);
        written.add(new byte[][] {key, row});
        w.write(key, 0, key.length, row, 0, row.length);
      }
    }
    try (SortedRows in = SpillFile.read(file, 4096)) {
      for (byte[][] kr : written) {
        assertThat(in.next()).isTrue();
        assertThat(in.key()).isEqualTo(kr[0]);
        assertThat(in.row()).isEqualTo(kr[1]);
      }
      assertThat(in.next()).isFalse();
    }
  }

  @Test
  void aTruncatedFileIsAnErrorNotAShorterRun() throws Exception {
    Path file = tmp.resolve("spill.bin");
    try (SpillFile.Writer w = new SpillFile.Writer(file)) {
      w.write(new byte[] {1}, 0, 1, new byte[] {2, 3}, 0, 2);
      w.write(new byte[] {4}, 0, 1, new byte[] {5, 6}, 0, 2);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1);
    }
    try (SortedRows in = SpillFile.read(file, 4096)) {
      assertThat(in.next()).isTrue();
      assertThatThrownBy(in::next).isInstanceOf(EOFException.class).hasMessageContaining("truncated");
    }
  }
}
