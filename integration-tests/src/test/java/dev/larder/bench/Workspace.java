package dev.larder.bench;

import com.google.protobuf.TextFormat;
import dev.larder.cli.Larder;
import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Registry;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The folder one scenario works in: a feature repository ({@code repo/}), generated data, baseline outputs
 * and the logs of every child process ({@code logs/}). A temporary folder is deleted afterwards unless the
 * user asked to keep it with {@code --work}.
 */
final class Workspace implements AutoCloseable {
  private final Path root;
  private final boolean delete;

  private Workspace(Path root, boolean delete) {
    this.root = root;
    this.delete = delete;
  }

  /** A fresh folder {@code DIR/NAME} when {@code dir} is given (kept), else a temporary folder (deleted). */
  static Workspace create(Path dir, String name) throws IOException {
    if (dir == null) {
      return new Workspace(Files.createTempDirectory("larder-bench-" + name + "-"), true);
    }
    Path root = dir.toAbsolutePath().normalize().resolve(name);
    if (Files.exists(root)) {
      deleteTree(root);
    }
    Files.createDirectories(root);
    return new Workspace(root, false);
  }

  Path root() {
    return root;
  }

  Path repo() {
    return root.resolve("repo");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  ProjectConfig config() throws IOException {
    return ProjectConfig.load(repo());
  }

  Catalog catalog() throws IOException {
    Path path = config().registryPath();
    Registry registry = RegistryFile.read(path)
        .orElseThrow(() -> new IOException("no registry at " + path + "; did apply run?"));
    return Catalog.of(registry);
  }

  /** {@code larder init} with the running example. */
  void init() {
    larder("init", repo().toString());
  }

  /** {@code larder apply}: validates every definitions file of the repository into the registry. */
  void apply() {
    larder("apply", "--repo", repo().toString());
  }

  /** Writes a definitions file into the repository (picked up by the next {@link #apply}). */
  void writeDefinitions(String fileName, Definitions definitions) throws IOException {
    Files.writeString(repo().resolve(fileName), TextFormat.printer().printToString(definitions));
  }

  /** Removes the example's definitions files so that only the benchmark's own are applied. */
  void removeExampleDefinitions() throws IOException {
    try (Stream<Path> files = Files.walk(repo())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".textproto")).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Runs a {@code larder} command in this JVM (setup steps that are not measured). A placeholder command
   * becomes {@link NotAvailable}; any other failure an exception with the command's error output.
   */
  static void larder(String... args) {
    CommandLine cl = Larder.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    if (code != 0) {
      String msg = err.toString().strip();
      if (Child.notImplemented(msg)) {
        throw new NotAvailable("larder " + args[0] + ": " + msg.replace("error: ", ""));
      }
      throw new IllegalStateException("`larder " + String.join(" ", args) + "` failed with exit code " + code
          + ": " + msg);
    }
  }

  /** The arguments of a {@code larder} command with {@code --repo} pointing at this workspace. */
  List<String> repoArgs(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--repo", repo().toString()));
    all.addAll(List.of(args));
    return all;
  }

  @Override
  public void close() throws IOException {
    if (delete) {
      deleteTree(root);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
