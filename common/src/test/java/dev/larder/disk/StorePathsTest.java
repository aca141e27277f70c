package dev.larder.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorePathsTest {
  private final Path store = Path.of("/data/offline");

  @Test
  void buildsNormalizedPathsInsideTheStore() {
    assertThat(StorePaths.inside(store, "user_activity", "date=2026-11-20", "asof=x.parquet"))
        .isEqualTo(Path.of("/data/offline/user_activity/date=2026-11-20/asof=x.parquet"));
    assertThat(StorePaths.inside(Path.of("/data/./offline/"), "v")).isEqualTo(Path.of("/data/offline/v"));
  }

  @Test
  void refusesEscapesAbsolutePartsAndTheStoreItself() {
    for (String[] parts : new String[][] {{".."}, {"../online", "x"}, {"a/../../etc"}, {"/etc/passwd"}, {""},
        {"."}, {"a", ".."}, {"a\0b"}}) {
      assertThatThrownBy(() -> StorePaths.inside(store, parts))
          .as(String.join("|", parts))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("refusing to write outside the store /data/offline");
    }
  }
}
