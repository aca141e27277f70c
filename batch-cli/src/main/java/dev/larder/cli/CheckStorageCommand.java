package dev.larder.cli;

import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Source;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.storage.DataLocation;
import dev.larder.storage.Storage;
import dev.larder.storage.StorageCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder check-storage}: can every configured location be reached, read and (where Larder writes) written? */
@Command(name = "check-storage", mixinStandardHelpOptions = true,
    header = "Check that stores and sources are reachable.",
    description = {"Checks the registry, the offline and online stores, every applied source's path and any --location:",
        "that it (or its nearest parent) exists and can be listed, and, where Larder writes, that a probe file can be",
        "created and deleted. Prints one line per location and where the storage settings came from (never their",
        "values); exit 0 when all are usable, 1 otherwise."})
final class CheckStorageCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--location", paramLabel = "URI",
      description = "Another location to check for writing, e.g. a training-set output folder (repeatable).")
  List<String> extra = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ProjectConfig config = repo.load();
    Storage storage = Storage.shared();
    PrintWriter out = spec.commandLine().getOut();
    out.println("storage settings from: " + String.join(", ", storage.settings().sources()));
    StorageCheck check = new StorageCheck(storage);
    List<StorageCheck.Result> results = new ArrayList<>();
    results.add(check.check("registry", DataLocation.of(config.registryPath()), StorageCheck.Use.WRITE));
    results.add(check.check("offline store", DataLocation.of(config.offlineDir()), StorageCheck.Use.WRITE));
    results.add(check.check("online store", DataLocation.of(config.onlineDir()), StorageCheck.Use.WRITE));
    Optional<Registry> registry = RegistryFile.read(config.registryPath());
    for (Source s : registry.map(Registry::getSourcesList).orElse(List.of())) {
      results.add(location("source '" + s.getName() + "'", sourceRoot(s.getPath()), config.repoDir(), check,
          StorageCheck.Use.READ));
    }
    for (String e : extra) {
      results.add(location("--location", e, Path.of("").toAbsolutePath(), check, StorageCheck.Use.WRITE));
    }
    int failed = 0;
    for (StorageCheck.Result r : results) {
      out.printf("%-4s %-24s %s (%s): %s%n", r.ok() ? "ok" : "FAIL", r.what(),
          r.location() == null ? "" : r.location(), r.use() == StorageCheck.Use.READ ? "read" : "read+write", r.found());
      failed += r.ok() ? 0 : 1;
    }
    if (registry.isEmpty()) {
      out.println("(no registry yet: sources are checked after `larder apply`)");
    }
    out.flush();
    return failed == 0 ? Larder.OK : Larder.FAILURE;
  }

  private static StorageCheck.Result location(String what, String text, Path base, StorageCheck check,
                                              StorageCheck.Use use) {
    try {
      return check.check(what, DataLocation.parse(text, base), use);
    } catch (IllegalArgumentException e) {
      return new StorageCheck.Result(what, null, use, false, e.getMessage());
    }
  }

  /** A source path up to its first wildcard: the folder a glob lists. */
  private static String sourceRoot(String path) {
    int wild = path.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = path.indexOf(c);
      if (i >= 0) {
        wild = Math.min(wild, i);
      }
    }
    int slash = path.lastIndexOf('/', wild);
    return wild == path.length() ? path : path.substring(0, Math.max(slash, 1));
  }
}
