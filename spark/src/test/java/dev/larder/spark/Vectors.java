package dev.larder.spark;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared test vectors in the repository's {@code test-vectors/} folder, the one place both engines' tests
 * read: a vector is a folder with {@code registry.textproto} and data files, copied into a fresh repository.
 */
final class Vectors {
  private Vectors() {}

  static Path root() {
    // Surefire runs in the module's folder; the vectors live at the top of the repository.
    Path p = Path.of("..", "test-vectors").toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("test vectors not found at " + p);
    }
    return p;
  }

  /** A fresh repository in {@code dir} with vector {@code name}'s definitions applied and its data copied. */
  static ProjectConfig repo(String name, Path dir) throws IOException {
    Path from = root().resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = dir.resolve(from.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("vectors"));
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(Files.readString(dir.resolve("registry.textproto")), b);
    RegistryFile.write(config.registryPath(), b.build());
    return config;
  }

  /** The as-of times listed in the vector's {@code asofs.txt} (one per line, # comments), in micros. */
  static long[] asOfs(String name) throws IOException {
    List<String> lines = Files.readAllLines(root().resolve(name).resolve("asofs.txt"));
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .mapToLong(l -> Timestamps.toMicros(Timestamps.parseInstant(l))).toArray();
  }
}
