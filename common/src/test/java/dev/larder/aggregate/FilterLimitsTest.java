package dev.larder.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Hostile filter text: deep nesting and long chains give located errors or evaluate without stack growth. */
class FilterLimitsTest {
  @Test
  void deepNestingIsRefusedWithALocatedErrorNotAStackOverflow() {
    String deep = "(".repeat(3000) + "flag" + ")".repeat(3000);
    assertThatThrownBy(() -> Filter.parse(deep, FilterTest.SCHEMA)).isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("more than 64 levels deep")
        .satisfies(e -> assertThat(((FilterSyntaxException) e).offset()).isEqualTo(64));
    assertThatThrownBy(() -> Filter.parse("NOT ".repeat(3000) + "flag", FilterTest.SCHEMA))
        .isInstanceOf(FilterSyntaxException.class).hasMessageContaining("levels deep");
    String ok = "(".repeat(60) + "NOT flag" + ")".repeat(60);
    assertThat(FilterTest.test(ok, FilterTest.row("view", 1.0, 1, false, 0L))).isTrue();
  }

  @Test
  void overlongFilterTextIsRefused() {
    String huge = "qty = 1 OR ".repeat(7000) + "qty = 2";
    assertThatThrownBy(() -> Filter.parse(huge, FilterTest.SCHEMA)).isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("at most 65536 are allowed");
  }

  @Test
  void longAndAndOrChainsEvaluateOnASmallStack() throws Exception {
    // 5,000 terms each; as a binary tree of depth 5,000 these overflowed a 128 KB stack at evaluation.
    Filter and = Filter.parse("qty > 0 AND ".repeat(4999) + "qty > 0", FilterTest.SCHEMA);
    Filter or = Filter.parse("qty = 0 OR ".repeat(4999) + "qty = 7", FilterTest.SCHEMA);
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(java.util.List.of(
            and.test(FilterTest.row("v", 1.0, 7, true, 0L)), and.test(FilterTest.row("v", 1.0, 0, true, 0L)),
            and.test(FilterTest.row("v", 1.0, null, true, 0L)),
            or.test(FilterTest.row("v", 1.0, 7, true, 0L)), or.test(FilterTest.row("v", 1.0, 3, true, 0L))));
      } catch (Throwable e) {
        result.set(e);
      }
    }, "small-stack", 128 * 1024);
    t.start();
    t.join();
    assertThat(result.get()).isEqualTo(java.util.List.of(true, false, false, true, false));
  }
}
