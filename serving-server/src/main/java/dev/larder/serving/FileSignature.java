package dev.larder.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What the server's file pollers (registry, token file) compare to notice a change without reading the file:
 * modification time, size and file identity, so that an atomic rename over the file is seen even when time
 * and size happen to match.
 */
public record FileSignature(long modifiedMillis, long size, Object fileKey) {

  /** The file's signature, or null when it does not exist. */
  public static FileSignature of(Path path) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new FileSignature(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The file's signature for a poller: null when it is missing or its attributes cannot be read. */
  public static FileSignature probe(Path path) {
    try {
      return of(path);
    } catch (IOException e) {
      return null;
    }
  }
}
