package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryWatcherTest {
  @TempDir
  Path dir;

  private final RowCache cache = new RowCache(10, Duration.ofMinutes(1));

  static Registry registry(long version, String ttl) {
    return Registry.newBuilder().setProject("p").setVersion(version)
        .addEntities(Entity.newBuilder().setName("user")
            .addJoinKeys(Field.newBuilder().setName("user_id").setType(ValueType.INT64)))
        .addFeatureViews(FeatureView.newBuilder().setName("v").addEntities("user").setTtl(ttl)
            .addFeatures(Feature.newBuilder().setName("f").setType(ValueType.INT64)))
        .build();
  }

  @Test
  void missingFileServesAnEmptyRegistryUntilOneIsApplied() throws IOException {
    Path file = dir.resolve("registry.pb");
    RegistryWatcher w = RegistryWatcher.start(file, cache);
    assertThat(w.current().onlineViews()).isEmpty();
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.UNCHANGED);

    RegistryFile.write(file, registry(1, "1d"));

    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.LOADED);
    assertThat(w.current().onlineViews()).containsOnlyKeys("v");
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.UNCHANGED);
  }

  @Test
  void invalidRegistryAtStartFailsNamingTheFile() throws IOException {
    Path file = dir.resolve("registry.pb");
    Files.write(file, new byte[] {0x12, 0x7f});
    assertThatThrownBy(() -> RegistryWatcher.start(file, cache)).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());

    RegistryFile.write(file, registry(1, "ten days"));
    assertThatThrownBy(() -> RegistryWatcher.start(file, cache)).isInstanceOf(IOException.class)
        .hasMessageContaining("feature view 'v'").hasMessageContaining("ten days");
  }

  @Test
  void aRemovedFileOrAServiceWithUnknownRefsIsRefusedAndTheLastGoodOneKept() throws IOException {
    Path file = dir.resolve("registry.pb");
    RegistryFile.write(file, registry(1, ""));
    RegistryWatcher w = RegistryWatcher.start(file, cache);

    Files.delete(file);
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.REFUSED);
    assertThat(w.current().version()).isEqualTo(1);

    RegistryFile.write(file, registry(2, "").toBuilder()
        .addFeatureServices(FeatureService.newBuilder().setName("s").addFeatures("v:nope")).build());
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.REFUSED);
    assertThat(w.current().version()).isEqualTo(1);
  }

  @Test
  void anEmptyOrTruncatedFileIsRefusedAtStartAndWhileServing() throws IOException {
    Path file = dir.resolve("registry.pb");
    RegistryFile.write(file, registry(2, ""));
    byte[] good = Files.readAllBytes(file);
    RegistryWatcher w = RegistryWatcher.start(file, cache);

    Path empty = Files.write(dir.resolve("new"), new byte[0]);
    Files.move(empty, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.REFUSED);
    assertThat(w.current().version()).isEqualTo(2);
    assertThat(w.current().onlineViews()).containsOnlyKeys("v");
    assertThatThrownBy(() -> RegistryWatcher.start(file, cache)).hasMessageContaining("empty (0 bytes)");

    Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
    assertThat(w.poll()).isEqualTo(RegistryWatcher.Outcome.REFUSED);
    assertThat(w.current().version()).isEqualTo(2);
  }

  @Test
  void changedViewsAreThoseWithANewDefinitionOrVersionOrGone() {
    ServedRegistry before = ServedRegistry.of(registry(1, "1d"));
    assertThat(RegistryWatcher.changedViews(before, ServedRegistry.of(registry(2, "1d")))).isEmpty();
    assertThat(RegistryWatcher.changedViews(before, ServedRegistry.of(registry(2, "2d")))).containsExactly("v");
    assertThat(RegistryWatcher.changedViews(before, ServedRegistry.empty())).containsExactly("v");
    assertThat(List.of(ServedRegistry.of(registry(1, "1d")).plan(List.of("v")).fullNames())).containsExactly(List.of("v__f"));
  }
}
