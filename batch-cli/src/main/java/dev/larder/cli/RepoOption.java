package dev.larder.cli;

import dev.larder.registry.ProjectConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --repo DIR} option shared by every command that reads a feature repository. */
final class RepoOption {
  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "Feature repository directory (default: the current directory).")
  Path repo;

  public Path dir() {
    return repo;
  }

  public ProjectConfig load() {
    try {
      ProjectConfig config = ProjectConfig.load(repo);
      dev.larder.storage.Storage.configure(config.settings());
      return config;
    } catch (IOException e) {
      throw UserError.usage(e.getMessage());
    }
  }
}
