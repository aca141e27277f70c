package dev.larder.cli;

import dev.larder.registry.ProjectConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code larder init DIR}: scaffolds a feature repository holding the running example's definitions. */
@Command(name = "init", mixinStandardHelpOptions = true,
    header = "Create a repository with the running example.",
    description = {"Creates a feature repository in DIR: larder.properties and the definitions of the running "
        + "example (entity user, sources user_events and user_profiles, views user_activity and user_profile, "
        + "service user_model).",
        "Writes no data; fill the sources with `larder sample events|profiles`."})
final class InitCommand implements Callable<Integer> {
  /** The template files, copied from the resources next to this class. */
  static final List<String> TEMPLATES = List.of("entities.textproto", "sources.textproto",
      "user_activity.textproto", "user_profile.textproto", "services.textproto");

  @Parameters(paramLabel = "DIR", description = "Directory to create the repository in (created if missing).")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path props = dir.resolve(ProjectConfig.FILE_NAME);
    if (Files.exists(props)) {
      throw UserError.usage(props + " already exists; expected a directory without a feature repository"
          + " (use `larder apply --repo " + dir + "` to apply its definitions)");
    }
    for (String t : TEMPLATES) {
      if (Files.exists(dir.resolve(t))) {
        throw UserError.usage(dir.resolve(t) + " already exists; init does not overwrite files, expected a new"
            + " or empty directory");
      }
    }
    Files.createDirectories(dir);
    Files.writeString(props, ProjectConfig.defaultFileContent(projectName(dir)), StandardCharsets.UTF_8);
    for (String t : TEMPLATES) {
      try (InputStream in = InitCommand.class.getResourceAsStream("init/" + t)) {
        if (in == null) {
          throw new IOException("template " + t + " is missing from the larder jar");
        }
        Files.write(dir.resolve(t), in.readAllBytes());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Created feature repository " + dir + ":");
    out.println("  " + ProjectConfig.FILE_NAME);
    TEMPLATES.forEach(t -> out.println("  " + t));
    out.println("Next:");
    out.println("  larder sample events --out " + dir.resolve("data/events"));
    out.println("  larder sample profiles --out " + dir.resolve("data/profiles"));
    out.println("  larder apply --repo " + dir);
    out.flush();
    return Larder.OK;
  }

  /** The directory's name as a project name: lower case, other characters as underscores. */
  private static String projectName(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    String n = name == null ? "larder" : name.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return n.isEmpty() ? "larder" : n;
  }
}
