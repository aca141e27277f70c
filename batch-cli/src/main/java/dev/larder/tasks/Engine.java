package dev.larder.tasks;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A batch engine that runs {@code larder}'s jobs somewhere else than this JVM's threads, such as Spark
 * (module {@code spark}). It exists so that {@code larder compute --engine spark} can hand the very same
 * command line to such an engine without this module depending on it: engines are found with
 * {@link ServiceLoader} when their jar is on the classpath.
 */
public interface Engine {
  /** The name {@code --engine} selects, e.g. {@code spark}. */
  String name();

  /** Why the engine cannot run in this JVM (say, Spark's own jars are missing), or empty when it can. */
  Optional<String> unavailable();

  /**
   * Runs one job.
   *
   * @param command {@code compute} or {@code training-set}
   * @param args the job's flags, as {@code larder} took them, without {@code --engine}
   * @return {@code larder}'s exit code
   */
  int run(String command, List<String> args, PrintStream out, PrintStream err);

  /** The engine called {@code name} on the classpath, if any. */
  static Optional<Engine> find(String name) {
    for (Engine e : ServiceLoader.load(Engine.class)) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
