package dev.larder.serving.http;

import java.nio.charset.StandardCharsets;

/** Lets tests outside this package check that real server responses take {@link ResponseJson}'s direct path. */
public final class DirectJson {
  private DirectJson() {}

  /** The direct writer's JSON for a serialized lookup response; throws where the server would fall back. */
  public static String print(byte[] wire) throws Exception {
    return new String(ResponseJson.print(wire), StandardCharsets.UTF_8);
  }
}
