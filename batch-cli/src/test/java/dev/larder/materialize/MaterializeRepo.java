package dev.larder.materialize;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: a repository with a passthrough view of users read from a CSV file (TTL 2d), an offline-only
 * view, and a view keyed by user and country without TTL.
 */
final class MaterializeRepo {
  static final long HOUR = 3_600_000_000L;
  static final long DAY = 24 * HOUR;
  static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  static final String REGISTRY = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      entities { name: "country" join_keys { name: "country" type: STRING } }
      sources { name: "profiles" path: "data/profiles.csv" timestamp_field: "ts" created_timestamp_field: "created"
        schema { name: "user_id" type: INT64 } schema { name: "ts" type: TIMESTAMP }
        schema { name: "created" type: TIMESTAMP } schema { name: "age" type: INT64 }
        schema { name: "city" type: STRING } }
      feature_views { name: "profile" entities: "user" source: "profiles" ttl: "2d"
        features { name: "age" type: INT64 }
        features { name: "city" type: STRING } }
      feature_views { name: "offline_only" entities: "user" source: "profiles" online: false
        features { name: "age" type: INT64 } }
      sources { name: "by_country" path: "data/local.csv" timestamp_field: "ts"
        schema { name: "user_id" type: INT64 } schema { name: "country" type: STRING }
        schema { name: "ts" type: TIMESTAMP } schema { name: "score" type: DOUBLE } }
      feature_views { name: "local" entities: "user" entities: "country" source: "by_country"
        features { name: "score" type: DOUBLE } }
      view_states { key: "profile" value { version: 1 } }
      view_states { key: "offline_only" value { version: 1 } }
      view_states { key: "local" value { version: 3 } }
      """;

  final ProjectConfig config;

  private MaterializeRepo(ProjectConfig config) {
    this.config = config;
  }

  /** A repository whose profiles.csv holds {@code csv} after its header line; local.csv has two rows. */
  static MaterializeRepo create(Path dir, String csv) throws IOException {
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("shop")
        + "online.sort_buffer_bytes=64KB\n");
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(REGISTRY, b);
    RegistryFile.write(config.registryPath(), b.setVersion(1).build());
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/profiles.csv"), "user_id,ts,created,age,city\n" + csv);
    Files.writeString(dir.resolve("data/local.csv"), "user_id,country,ts,score\n"
        + "1,FR,2026-01-01T01:00:00Z,1.5\n1,DE,2026-01-01T02:00:00Z,2.5\n");
    return new MaterializeRepo(config);
  }

  Registry registry() throws IOException {
    return RegistryFile.read(config.registryPath()).orElseThrow();
  }

  Catalog catalog() throws IOException {
    return Catalog.of(registry());
  }

  /** The served profile row of a user as Java values (age, city), or null. */
  Object[] profile(long userId) throws IOException {
    Catalog catalog = catalog();
    var view = catalog.requireView("profile");
    try (OnlineStore store = OnlineStore.openForReading(config.onlineDir(), OnlineOptions.defaults().withBlockCacheBytes(0));
         ViewData data = store.acquire("profile", catalog.viewVersion("profile"))) {
      if (data == null) {
        return null;
      }
      byte[] row = data.multiGet(List.of(new EntityKeyCodec(catalog.joinKeys(view)).encode(new Object[] {userId})))[0];
      return row == null ? null : new FeatureRowCodec(view.getFeaturesList().stream().map(f -> f.getType()).toList())
          .decodeJava(row);
    }
  }
}
