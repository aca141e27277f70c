package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.offline.CommitLog;
import dev.larder.offline.Manifest;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline store's commit protocol as compute uses it: manifests, the run marker, upgrade, clean-up. */
class PublicationTest {
  @TempDir
  Path dir;

  static Compute.Summary run(ProjectConfig config, boolean allowEmpty, long... asOfs) throws IOException {
    return new Compute(config, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of("user_activity"), asOfs, BadRowPolicy.FAIL, 0, allowEmpty));
  }

  private ProjectConfig repo() throws IOException {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    TestRepo.writeParquet(dir.resolve("data/events/part-0.parquet"), TestRepo.EVENTS,
        TestRepo.events(3, 2_000, 50, 10));
    return config;
  }

  @Test
  void aManifestWithoutItsRunMarkerIsInvisibleAndTheNextRunRemovesItsFiles() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY, START + 2 * DAY);
    List<OfflineStore.Snapshot> before = store.snapshots("user_activity", 1);
    assertThat(before).hasSize(2);

    // What a run killed just before its commit marker leaves: staged files and a complete manifest.
    Path viewDir = store.versionDir("user_activity", 1);
    Path staged = store.stagedPath("user_activity", 1, START + DAY, 2);
    Files.copy(before.get(0).file(), staged);
    CommitLog commits = store.commits();
    commits.writeManifest(viewDir, new Manifest(OfflineStore.unit("user_activity", 1), 2, "killed-run", List.of(
        new Manifest.Entry(START + DAY, viewDir.relativize(staged).toString(), Files.size(staged), 1))));
    assertThat(store.snapshots("user_activity", 1)).isEqualTo(before);

    // A marker of that run naming another sequence does not commit it either.
    commits.commit("killed-run", Map.of("user_activity", 9L));
    assertThat(store.snapshots("user_activity", 1)).isEqualTo(before);

    run(config, false, START + 3 * DAY);
    assertThat(staged).doesNotExist();
    assertThat(store.snapshots("user_activity", 1)).extracting(OfflineStore.Snapshot::asOf)
        .containsExactly(START + DAY, START + 2 * DAY, START + 3 * DAY);
    try (Stream<Path> m = Files.list(viewDir.resolve(CommitLog.MANIFESTS))) {
      assertThat(m.map(p -> p.getFileName().toString())).containsExactly("m-00000000000000000003.txt");
    }
  }

  @Test
  void recomputingReplacesSnapshotsAndRemovesTheSupersededFiles() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY, START + 2 * DAY);
    Path first = store.snapshot("user_activity", 1, START + DAY).orElseThrow().file();
    run(config, false, START + DAY);
    Path second = store.snapshot("user_activity", 1, START + DAY).orElseThrow().file();
    assertThat(second).isNotEqualTo(first).exists();
    assertThat(first).doesNotExist();
    assertThat(store.snapshots("user_activity", 1)).hasSize(2);
    try (Stream<Path> files = Files.walk(store.viewDir("user_activity"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).hasSize(2);
    }
  }

  @Test
  void aStoreFromBeforeManifestsStaysReadableAndItsNextRunKeepsTheOldSnapshots() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY, START + 2 * DAY);
    // Turn it into a store from before manifests and versions: <view>/date=.../asof=<T>.parquet, no manifests,
    // no markers, no version folder.
    Path viewDir = store.viewDir("user_activity");
    Path versionDir = store.versionDir("user_activity", 1);
    java.util.function.LongFunction<Path> legacy =
        t -> viewDir.resolve(versionDir.relativize(store.snapshotPath("user_activity", 1, t)));
    for (OfflineStore.Snapshot s : store.snapshots("user_activity", 1)) {
      Files.createDirectories(legacy.apply(s.asOf()).getParent());
      Files.move(s.file(), legacy.apply(s.asOf()));
    }
    deleteTree(versionDir);
    deleteTree(store.root().resolve(CommitLog.COMMITS));
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    assertThat(store.snapshots(catalog, "user_activity")).extracting(OfflineStore.Snapshot::file)
        .containsExactly(legacy.apply(START + DAY), legacy.apply(START + 2 * DAY));
    assertThat(store.snapshots("user_activity", 1)).as("without the registry, no version claims them").isEmpty();

    run(config, false, START + 2 * DAY, START + 3 * DAY);
    List<OfflineStore.Snapshot> after = store.snapshots(catalog, "user_activity");
    assertThat(after).extracting(OfflineStore.Snapshot::asOf).containsExactly(START + DAY, START + 2 * DAY,
        START + 3 * DAY);
    assertThat(after.get(0).file()).as("kept, named by the first manifest").isEqualTo(legacy.apply(START + DAY));
    assertThat(after.get(1).file()).startsWith(versionDir);
    assertThat(store.snapshots("user_activity", 1)).as("the manifest makes them version 1's").hasSize(3);
  }


  @Test
  void aCorruptOrTamperedManifestIsRefusedNamingTheFile() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY);
    Path manifest = store.versionDir("user_activity", 1).resolve(CommitLog.MANIFESTS).resolve("m-00000000000000000001.txt");
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> store.snapshots("user_activity", 1)).hasMessageContaining(manifest.toString())
        .hasMessageContaining("not a valid offline-store manifest");
    Files.writeString(manifest, text);
    Path file = store.snapshot("user_activity", 1, START + DAY).orElseThrow().file();
    Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> store.snapshots("user_activity", 1)).hasMessageContaining(file.toString())
        .hasMessageContaining("the committed manifest");
  }

  @Test
  void anEmptySnapshotNeverReplacesOneWithRowsUnlessAllowed() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY, START + 2 * DAY);
    List<OfflineStore.Snapshot> before = store.snapshots("user_activity", 1);
    // The source now has no rows for the window (as a wrongly pointed or empty source folder would give).
    TestRepo.writeParquet(dir.resolve("data/events/part-0.parquet"), TestRepo.EVENTS, List.of());
    assertThatThrownBy(() -> run(config, false, START + DAY, START + 2 * DAY))
        .hasMessageContaining("view 'user_activity': this run found no rows for 2 as-of times")
        .hasMessageContaining("--allow-empty").hasMessageContaining("nothing was committed");
    assertThat(store.snapshots("user_activity", 1)).isEqualTo(before);
    try (Stream<Path> files = Files.walk(store.viewDir("user_activity"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).as("nothing staged").hasSize(2);
    }

    run(config, true, START + DAY, START + 2 * DAY);
    for (OfflineStore.Snapshot s : store.snapshots("user_activity", 1)) {
      assertThat(OfflineStore.rowCount(s.file())).isZero();
    }
    run(config, false, START + DAY); // empty over empty is fine
  }

  @Test
  void deletingWholeDateFoldersForRetentionDropsThoseSnapshotsAndKeepsTheRest() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY, START + 2 * DAY);
    Path first = store.snapshot("user_activity", 1, START + DAY).orElseThrow().file();
    deleteTree(first.getParent());
    assertThat(store.snapshots("user_activity", 1)).extracting(OfflineStore.Snapshot::asOf).containsExactly(START + 2 * DAY);
    run(config, false, START + 3 * DAY);
    assertThat(store.snapshots("user_activity", 1)).extracting(OfflineStore.Snapshot::asOf)
        .containsExactly(START + 2 * DAY, START + 3 * DAY);
    // One file deleted inside a folder that still exists is damage, not retention.
    Files.delete(store.snapshot("user_activity", 1, START + 3 * DAY).orElseThrow().file());
    Files.createDirectories(store.stagedPath("user_activity", 1, START + 3 * DAY, 1).getParent());
    assertThatThrownBy(() -> store.snapshots("user_activity", 1)).hasMessageContaining("but missing");
  }

  @Test
  void oldCommitMarkersThatNoManifestNamesAreRemovedAndTheOthersKept() throws IOException {
    ProjectConfig config = repo();
    OfflineStore store = OfflineStore.of(config);
    run(config, false, START + DAY);
    Path commits = store.root().resolve(CommitLog.COMMITS);
    Path current;
    try (Stream<Path> m = Files.list(commits)) {
      current = m.findFirst().orElseThrow();
    }
    Path orphanOld = Files.writeString(commits.resolve("old-run.commit"), "x");
    Path orphanNew = Files.writeString(commits.resolve("new-run.commit"), "x");
    java.nio.file.attribute.FileTime twoDaysAgo =
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2)));
    Files.setLastModifiedTime(orphanOld, twoDaysAgo);
    Files.setLastModifiedTime(current, twoDaysAgo);

    assertThat(store.commits().collectMarkers(Publication.MARKER_MIN_AGE)).isEqualTo(1);
    assertThat(orphanOld).doesNotExist();
    assertThat(orphanNew).exists(); // too young: may belong to a run of other views that is committing
    assertThat(current).exists(); // named by the view's manifest
    assertThat(store.snapshots("user_activity", 1)).hasSize(1);
  }

  private static void deleteTree(Path p) throws IOException {
    dev.larder.disk.Folders.deleteTree(p);
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
