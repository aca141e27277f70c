package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Source;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Source readers decode on a background thread; rows, positions and errors must still arrive in order. */
class SourceReadAheadTest {
  @TempDir Path repo;

  private Path csv(int rows, int badAt) throws IOException {
    StringBuilder sb = new StringBuilder("id,ts\n");
    for (int i = 1; i <= rows; i++) {
      sb.append(i == badAt ? "oops" : Integer.toString(i)).append(",2026-11-01T00:00:00Z\n");
    }
    return Files.writeString(repo.resolve("e.csv"), sb);
  }

  private RowReader open() throws IOException {
    Source s = Source.newBuilder().setName("events").setPath("e.csv").setTimestampField("ts").build();
    return SourceReaders.open(s, repo, null);
  }

  @Test
  void rowsBeforeAnErrorArriveThenTheErrorWithItsLine() throws IOException {
    csv(10_000, 0);
    csv(10_000, 7_000); // inference saw the first 1,000 rows only: id is int64
    try (RowReader r = open()) {
      for (long i = 1; i < 7_000; i++) {
        assertThat(r.next()[0]).isEqualTo(i);
        if (i == 5_000) {
          assertThat(r.position()).isEqualTo("e.csv line 5001");
        }
      }
      assertThatThrownBy(r::next).isInstanceOf(IOException.class)
          .hasMessage("e.csv line 7001, column 'id': 'oops' is not an int64");
    }
  }

  @Test
  void closingEarlyStopsTheReaderThread() throws IOException {
    csv(100_000, 0);
    RowReader r = open();
    assertThat(r.next()[0]).isEqualTo(1L);
    r.close();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("larder-read-events"));
  }
}
