package dev.larder.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.online.OnlineLayout;
import dev.larder.registry.Validation;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the duration and name grammars: any duration text parses to unbounded or to a positive duration that
 * later computations (micros, as-of minus window) handle without overflow, or is refused with a message
 * quoting it; any name validation accepts is usable as a store folder.
 */
class DurationGrammarPropertyTest {
  @Property(tries = 3000)
  void anyTextParsesToABoundedPositiveDurationOrIsRefusedByName(@ForAll("durationLike") String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains("'" + text + "'");
      return;
    }
    if (d == null) {
      assertThat(text.trim().toLowerCase()).isIn("", "0", "lifetime");
      return;
    }
    assertThat(d).isPositive().isLessThanOrEqualTo(Durations.MAX);
    long micros = Durations.toMicros(d);
    assertThat(Math.subtractExact(Long.MAX_VALUE / 2, micros)).isPositive();
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Provide
  Arbitrary<String> durationLike() {
    Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000).map(String::valueOf),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30));
    Arbitrary<String> unit = Arbitraries.of("ms", "s", "m", "h", "d", "w", "y", "", " d", "D");
    Arbitrary<String> simple = Combinators.combine(number, unit).as((n, u) -> n + u);
    Arbitrary<String> iso = Combinators.combine(Arbitraries.of("PT", "P", "-PT", "P-"), number,
        Arbitraries.of("S", "M", "H", "D")).as((p, n, u) -> p + n + u);
    return Arbitraries.oneOf(simple, iso, Arbitraries.strings().ofMaxLength(12),
        Arbitraries.of("", "0", "lifetime", "0d", "PT0S", "99999999999d", "-1d", "1e3d"));
  }

  /** Every name that validation would accept is usable as an online-store folder. */
  @Property(tries = 2000)
  void acceptedNamesAreUsableAsStoreFolders(@ForAll("nameLike") String name) {
    boolean accepted = name.matches("[a-z][a-z0-9_]*") && name.length() <= Validation.MAX_NAME_LENGTH;
    if (accepted) {
      Path dir = OnlineLayout.viewDir(Path.of("/store"), name);
      assertThat(dir.getFileName().toString()).isEqualTo(name);
    }
  }

  @Provide
  Arbitrary<String> nameLike() {
    return Arbitraries.strings().withChars("abz_09A.-/ ").ofMinLength(0).ofMaxLength(200);
  }
}
