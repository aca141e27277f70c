package dev.larder.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;

/**
 * Whole-file copies between the local disk and a remote location, for inputs that commands read more than
 * once (entity rows) and outputs they build locally (training sets, their statistics). Copies stream through a
 * bounded buffer, so memory does not grow with the file.
 *
 * <p>An upload becomes visible at its target only complete: on S3 an object appears when its (multipart)
 * upload completes, and on HDFS the file is written under a hidden temporary name in the target folder and
 * renamed, HDFS's atomic metadata operation. A killed upload leaves at most an invisible part (an incomplete
 * multipart upload, which a bucket lifecycle rule expires, or a {@code .larder-*.tmp} file on HDFS).
 */
public final class Transfers {
  private Transfers() {}

  /**
   * Copies a remote file or folder into {@code localDir} and returns the local copy.
   *
   * @throws IOException naming the location (secrets removed) when it is missing or unreadable
   */
  public static Path download(Storage storage, DataLocation source, Path localDir) throws IOException {
    org.apache.hadoop.fs.Path src = Storage.path(source);
    String name = src.getName().isEmpty() ? "input" : src.getName();
    Path target = localDir.resolve(name);
    try {
      FileSystem fs = storage.fileSystem(source);
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(target.toUri()), true);
    } catch (IOException | RuntimeException e) {
      throw storage.failure(source, "cannot read it", e);
    }
    return target;
  }

  /**
   * Uploads a local file to {@code target}, replacing what is there, so that it appears complete or not at all.
   *
   * @throws IOException naming the target (secrets removed) when the upload fails; the target is then unchanged
   */
  public static void upload(Storage storage, Path local, DataLocation target) throws IOException {
    org.apache.hadoop.fs.Path dst = Storage.path(target);
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(local.toUri());
    try {
      FileSystem fs = storage.fileSystem(target);
      if (target.scheme().equals("s3a")) {
        fs.copyFromLocalFile(false, true, src, dst); // one PUT or multipart upload: visible when complete
        return;
      }
      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(),
          ".larder-" + UUID.randomUUID() + ".tmp");
      try {
        fs.copyFromLocalFile(false, true, src, tmp);
        fs.delete(dst, false);
        if (!fs.rename(tmp, dst)) {
          throw new IOException("the rename of " + tmp + " to " + dst + " failed");
        }
      } finally {
        fs.delete(tmp, false);
      }
    } catch (IOException | RuntimeException e) {
      throw storage.failure(target, "cannot write it", e);
    }
  }
}
