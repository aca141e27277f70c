package dev.larder.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session every test of this module shares: starting Spark costs seconds, so it starts once
 * per test JVM. Two worker threads (so shuffles and tasks really run in parallel), no UI, few partitions.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .appName("larder-spark-tests")
          .master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "3")
          .config("spark.default.parallelism", "3")
          .config("spark.ui.showConsoleProgress", "false")
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop, "larder-spark-tests-stop"));
    }
    return session;
  }
}
