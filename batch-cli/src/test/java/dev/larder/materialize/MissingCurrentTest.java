package dev.larder.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deleted CURRENT under a served view version: the server keeps serving, as for a garbage CURRENT. */
class MissingCurrentTest {
  @TempDir
  Path online;

  @Test
  void aDeletedCurrentKeepsTheServedRunUntilANewOneIsPublished() throws Exception {
    try (OnlineWriter w = OnlineFixtures.begin(online, null, 0, OnlineFixtures.small())) {
      w.put(new Object[] {7L}, OnlineFixtures.SECOND, 0, new Object[] {7L, 1.0, "first"});
      w.commit();
    }
    Path versionDir = OnlineLayout.versionDir(online, OnlineFixtures.VIEW, 1);
    try (OnlineStore store = OnlineStore.openForReading(online, OnlineFixtures.small())) {
      assertThat(OnlineFixtures.read(store, 7)).containsExactly(7L, 1.0, "first");
      Files.delete(versionDir.resolve(OnlineLayout.CURRENT));
      assertThat(store.refresh()).isEmpty();
      assertThat(OnlineFixtures.read(store, 7)).containsExactly(7L, 1.0, "first");

      try (OnlineWriter w = OnlineFixtures.begin(online, null, 0, OnlineFixtures.small())) {
        w.put(new Object[] {7L}, 2 * OnlineFixtures.SECOND, 0, new Object[] {7L, 2.0, "second"});
        w.commit();
      }
      assertThat(store.refresh()).containsExactly(OnlineFixtures.VIEW);
      assertThat(OnlineFixtures.read(store, 7)).containsExactly(7L, 2.0, "second");

      // A whole version folder removed (online cleanup) still stops serving it.
      dev.larder.disk.Folders.deleteTree(versionDir);
      assertThat(store.refresh()).containsExactly(OnlineFixtures.VIEW);
      assertThat(store.acquire(OnlineFixtures.VIEW, 1)).isNull();
    }
  }
}
