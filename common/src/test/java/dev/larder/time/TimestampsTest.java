package dev.larder.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one set of accepted timestamp forms (docs/cli.md), shared by flags, CSV cells, entity rows and filters. */
class TimestampsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2026-11-01T12:00:00Z          | 2026-11-01T12:00:00Z",
      "2026-11-01T12:00:00.123456Z   | 2026-11-01T12:00:00.123456Z",
      "2026-11-01T14:00:00+02:00     | 2026-11-01T12:00:00Z",
      "2026-11-01T12:00              | 2026-11-01T12:00:00Z",
      "2026-11-01 12:00:00           | 2026-11-01T12:00:00Z",
      "2026-11-01                    | 2026-11-01T00:00:00Z",
      "1762000000                    | 2025-11-01T12:26:40Z",
      "1762000000000                 | 2025-11-01T12:26:40Z",
      "1762000000000000              | 2025-11-01T12:26:40Z",
      "1762000000000000000           | 2025-11-01T12:26:40Z",
      "1762000000.5                  | 2025-11-01T12:26:40.5Z",
  })
  void everyDocumentedFormParses(String text, String expected) {
    assertThat(Timestamps.parseInstant(text)).isEqualTo(Instant.parse(expected));
    assertThat(Timestamps.parseMicros(text)).isEqualTo(Timestamps.toMicros(Instant.parse(expected)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2026-13-01", "2026-11-01T25:00:00Z", "1e400", "", "12:00"})
  void anythingElseIsRefusedNamingTheText(String text) {
    assertThatThrownBy(() -> Timestamps.parseMicros(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a timestamp; expected an ISO-8601 time");
  }
}
