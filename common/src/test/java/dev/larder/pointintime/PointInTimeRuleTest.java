package dev.larder.pointintime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PointInTimeRuleTest {
  private static final long NONE = PointInTimeRule.NO_CREATED;

  @Test
  void ttlExcludesTheOldEdgeAndIncludesTheRowTime() {
    PointInTimeRule rule = PointInTimeRule.of(Duration.ofMinutes(10), false);
    long ts = 1_000_000_000L;
    long ttl = 600_000_000L;
    assertThat(rule.isCandidate(ts, ts, NONE)).isTrue();
    assertThat(rule.isCandidate(ts, ts - ttl + 1, NONE)).isTrue();
    assertThat(rule.isCandidate(ts, ts - ttl, NONE)).as("exactly ttl old has expired").isFalse();
    assertThat(rule.isCandidate(ts, ts + 1, NONE)).as("the future").isFalse();
  }

  @Test
  void withoutTtlEverythingUpToTheRowIsACandidate() {
    PointInTimeRule rule = PointInTimeRule.of(null, false);
    assertThat(rule.hasTtl()).isFalse();
    assertThat(rule.isCandidate(Long.MAX_VALUE, Long.MIN_VALUE + 1, NONE)).isTrue();
    assertThat(rule.isFresh(Long.MIN_VALUE, Long.MIN_VALUE)).isTrue();
  }

  @Test
  void hugeTtlDoesNotOverflow() {
    PointInTimeRule rule = new PointInTimeRule(Long.MAX_VALUE - 1, false);
    assertThat(rule.isFresh(Long.MIN_VALUE + 5, Long.MIN_VALUE)).isTrue();
  }

  @Test
  void createdBeforeRowMakesLateWritesInvisibleUntilCreated() {
    PointInTimeRule rule = PointInTimeRule.of(null, true);
    assertThat(rule.availableAt(10, 15)).isEqualTo(15);
    assertThat(rule.isCandidate(14, 10, 15)).isFalse();
    assertThat(rule.isCandidate(15, 10, 15)).isTrue();
    assertThat(rule.isCandidate(10, 10, NONE)).as("no created time: visible at its event time").isTrue();
    assertThat(PointInTimeRule.of(null, false).isCandidate(14, 10, 15)).isTrue();
  }

  @Test
  void winnerOrderIsEventThenCreatedWithNullLowestThenReadOrder() {
    assertThat(PointInTimeRule.compareCandidates(2, NONE, 0, 1, 99, 5)).isPositive();
    assertThat(PointInTimeRule.compareCandidates(2, 3, 0, 2, NONE, 5)).isPositive();
    assertThat(PointInTimeRule.compareCandidates(2, 3, 0, 2, 4, 0)).isNegative();
    assertThat(PointInTimeRule.compareCandidates(2, 3, 7, 2, 3, 6)).isPositive();
  }

  @Test
  void ttlMustBePositive() {
    assertThatThrownBy(() -> new PointInTimeRule(0, false)).isInstanceOf(IllegalArgumentException.class);
  }
}
