package dev.larder.stats;

import java.io.DataInputStream;
import java.io.IOException;

/** Reading the length-prefixed library images that the profile format embeds. */
final class Sketches {
  /** Larger images are not ours: the biggest sketch a profile holds is a few tens of KB. */
  static final int MAX_BYTES = 1 << 24;

  private Sketches() {}

  static byte[] readBlock(DataInputStream in, String what) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_BYTES) {
      throw new IOException("corrupt " + what + ": " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
