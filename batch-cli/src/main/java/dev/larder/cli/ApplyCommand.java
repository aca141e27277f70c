package dev.larder.cli;

import dev.larder.core.v1.Definitions;
import dev.larder.offline.SourceReaders;
import dev.larder.registry.DefinitionReader;
import dev.larder.registry.InvalidDefinitionsException;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.SchemaProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code larder apply}: validates the repository's definitions and writes them as a new registry version. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    header = "Validate definitions and write the registry.",
    description = {"Reads every *.textproto definitions file of the repository, validates them (reporting every "
        + "problem as file:line:column), prints the plan and writes the new registry version atomically.",
        "Exit 0 when applied or nothing changed, 2 when the definitions are invalid, 1 on other failures."})
final class ApplyCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectConfig config = repo.load();
    Definitions desired = definitions(config, spec);
    RegistryStore store = RegistryStore.of(config);
    RegistryStore.Applied applied = store.apply(config.project(), desired, Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    applied.plan().render().forEach(out::println);
    if (!applied.plan().problems().isEmpty()) {
      out.flush();
      throw UserError.usage("nothing applied: " + String.join("; ", applied.plan().problems()));
    }
    if (applied.changed()) {
      out.println("Applied: registry version " + applied.registry().getVersion() + " written to "
          + config.repoDir().relativize(store.path()));
    }
    out.flush();
    return Larder.OK;
  }

  /** The repository's valid definitions, or a usage error listing every problem. Shared with {@code plan}. */
  static Definitions definitions(ProjectConfig config, CommandSpec spec) throws IOException {
    DefinitionReader.Parsed parsed = DefinitionReader.read(config);
    if (parsed.files().isEmpty()) {
      // Applying nothing would remove every object; far more likely the wrong directory.
      throw UserError.usage("no definitions files (*" + DefinitionReader.EXTENSION + ") under " + config.repoDir()
          + "; expected at least one, e.g. the ones `larder init` writes");
    }
    spec.commandLine().getErr().println("Read " + parsed.files().size() + " definitions files from "
        + config.repoDir());
    try {
      return DefinitionReader.validate(parsed, schemas(config),
          note -> spec.commandLine().getErr().println("note: " + note));
    } catch (InvalidDefinitionsException e) {
      throw UserError.usage(e.getMessage());
    }
  }

  /** The schema of a source's files as the source readers see them (the declared schema left out). */
  private static SchemaProvider schemas(ProjectConfig config) {
    return source -> SourceReaders.schema(source.toBuilder().clearSchema().build(), config.repoDir());
  }
}
