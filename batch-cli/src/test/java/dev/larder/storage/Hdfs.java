package dev.larder.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS for tests: Hadoop's MiniDFSCluster (a name node and one data node) in the test JVM, one per JVM. */
final class Hdfs {
  private static MiniDFSCluster cluster;

  private Hdfs() {}

  /** {@code hdfs://127.0.0.1:PORT}, the cluster started on first call. */
  static synchronized String uri() throws IOException {
    if (cluster == null) {
      Path dir = Files.createTempDirectory("larder-hdfs");
      Configuration conf = new Configuration();
      conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
      conf.setInt("dfs.replication", 1);
      cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
      cluster.waitActive();
      MiniDFSCluster c = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          c.shutdown(true);
        } catch (RuntimeException ignored) {
          // Hadoop's own shutdown hooks may have stopped parts of it already
        }
        try {
          dev.larder.disk.Folders.deleteTree(dir);
        } catch (IOException | RuntimeException ignored) {
          // a temp folder
        }
      }));
    }
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }
}
