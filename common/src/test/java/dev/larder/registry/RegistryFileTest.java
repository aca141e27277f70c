package dev.larder.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framed registry file: what readers refuse, what they still accept, and what writers clean up. */
class RegistryFileTest {
  @TempDir
  Path dir;

  static Registry registry(long version) {
    Registry.Builder b = Registry.newBuilder().setProject("p").setVersion(version);
    for (long v = 1; v <= version; v++) {
      b.addVersions(RegistryVersion.newBuilder().setVersion(v));
    }
    return b.build();
  }

  @Test
  void emptyTruncatedCorruptAndForeignFilesAreRefusedNamingTheFile() throws IOException {
    Path file = dir.resolve("registry.pb");
    RegistryFile.write(file, registry(3));
    byte[] good = Files.readAllBytes(file);
    assertThat(RegistryFile.read(file)).contains(registry(3));

    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> RegistryFile.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("empty (0 bytes)");

    for (int cut : new int[] {4, 12, good.length - 1}) {
      Files.write(file, Arrays.copyOf(good, cut));
      assertThatThrownBy(() -> RegistryFile.read(file)).as("cut at %d", cut).isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString()).hasMessageContaining("not a valid registry file");
    }

    byte[] flipped = good.clone();
    flipped[20] ^= 0x01;
    Files.write(file, flipped);
    assertThatThrownBy(() -> RegistryFile.read(file)).hasMessageContaining("checksum");

    Files.writeString(file, "project: \"p\"\nversion: 3\n"); // a text file, not ours
    assertThatThrownBy(() -> RegistryFile.read(file)).hasMessageContaining("not a registry file");
    // A bare protobuf that parses but is not a complete registry (an empty message, a cut history).
    Files.write(file, Registry.newBuilder().setProject("p").build().toByteArray());
    assertThatThrownBy(() -> RegistryFile.read(file)).hasMessageContaining("not a registry file");
    Files.write(file, registry(3).toBuilder().removeVersions(2).build().toByteArray());
    assertThatThrownBy(() -> RegistryFile.read(file)).hasMessageContaining("not a registry file");
  }

  @Test
  void aRegistryWrittenBeforeTheFramingIsStillReadAndFramedOnTheNextWrite() throws IOException {
    Path file = dir.resolve("registry.pb");
    Files.write(file, registry(2).toByteArray());
    assertThat(RegistryFile.read(file)).contains(registry(2));

    RegistryFile.write(file, registry(3));
    assertThat(Arrays.copyOf(Files.readAllBytes(file), 8)).isEqualTo(RegistryFile.MAGIC);
  }

  @Test
  void applyRefusesAnEmptyRegistryInsteadOfStartingOver() throws Exception {
    Path file = dir.resolve("registry.pb");
    RegistryStore store = new RegistryStore(file);
    Definitions defs = PlanTest.defs(PlanTest.BASE);
    store.apply("p", defs, Clock.fixed(PlanTest.NOW, ZoneOffset.UTC));
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> store.apply("p", defs, Clock.systemUTC())).isInstanceOf(IOException.class)
        .hasMessageContaining("empty (0 bytes)");
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void newViewVersionsStayAboveVersionsThatHaveStoredData() throws Exception {
    Path online = dir.resolve("online");
    Files.createDirectories(online.resolve("activity").resolve("v1"));
    Files.createDirectories(online.resolve("activity").resolve("v2"));
    RegistryStore store = new RegistryStore(dir.resolve("registry.pb"), online);
    // As if the registry had been lost: a fresh apply must not hand out v1 or v2 again.
    Registry r = store.apply("p", PlanTest.defs(PlanTest.BASE), Clock.fixed(PlanTest.NOW, ZoneOffset.UTC)).registry();
    assertThat(r.getViewStatesMap().get("activity").getVersion()).isEqualTo(3);
    assertThat(r.getViewStatesMap().get("profile").getVersion()).isEqualTo(1);
    assertThat(store.plan(PlanTest.defs(PlanTest.BASE.replace("type: INT64 aggregation", "type: INT32 aggregation")))
        .render()).anyMatch(l -> l.contains("version 3 -> 4"));
    Files.createDirectories(online.resolve("activity").resolve("v7"));
    assertThat(store.plan(PlanTest.defs(PlanTest.BASE.replace("type: INT64 aggregation", "type: INT32 aggregation")))
        .render()).anyMatch(l -> l.contains("version 3 -> 8"));
    // Unchanged definitions, but a registry older than the stored data (restored from a backup): bumped too,
    // so that the stale v3 data is not served as current.
    Registry bumped = store.apply("p", PlanTest.defs(PlanTest.BASE), Clock.fixed(PlanTest.NOW, ZoneOffset.UTC))
        .registry();
    assertThat(bumped.getViewStatesMap().get("activity").getVersion()).isEqualTo(8);
    assertThat(bumped.getVersions(bumped.getVersionsCount() - 1).getChanges(0).getDetail())
        .contains("the online store holds version 7");
    assertThat(store.plan(PlanTest.defs(PlanTest.BASE)).isEmpty()).isTrue();
  }

  @Test
  void theRegistryGetsTheSamePermissionsAsEveryOtherFileLarderWrites() throws IOException {
    Path file = dir.resolve("registry.pb");
    RegistryFile.write(file, registry(1));
    Path other = Files.writeString(dir.resolve("snapshot.parquet"), "x"); // created as the Parquet writer does
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(other));
  }

  @Test
  void aKilledWritersTempFilesAreDeletedByTheNextWrite() throws IOException {
    Path file = dir.resolve("registry.pb");
    Path stale = Files.createFile(dir.resolve(".registry.pb123456789.tmp"));
    Path other = Files.createFile(dir.resolve(".registry.pb.backup.tmp"));
    RegistryFile.write(file, registry(1));
    assertThat(stale).doesNotExist();
    assertThat(other).exists();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("registry.pb",
          ".registry.pb.backup.tmp");
    }
  }
}
