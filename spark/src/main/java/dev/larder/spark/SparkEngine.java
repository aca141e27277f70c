package dev.larder.spark;

import dev.larder.tasks.Engine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code larder compute|training-set --engine spark}: runs {@link Main} in the CLI's JVM (a Spark driver; with
 * {@code --master local[*]} the executors too). Found by {@code larder} through {@link java.util.ServiceLoader};
 * it names no Spark class itself, so that it loads, and says what is missing, when Spark's jars are absent.
 */
public final class SparkEngine implements Engine {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Optional<String> unavailable() {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, SparkEngine.class.getClassLoader());
      return Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of("Spark's jars are not on the classpath (org.apache.spark.sql.SparkSession not found); run "
          + "the job with spark-submit --class dev.larder.spark.Main larder-spark-app.jar, or add the jars of a Spark "
          + "4.0 distribution (its jars/ folder) to LARDER_CLASSPATH; see docs/spark.md");
    }
  }

  @Override
  public int run(String command, List<String> args, PrintStream out, PrintStream err) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    return Main.run(all.toArray(String[]::new));
  }
}
