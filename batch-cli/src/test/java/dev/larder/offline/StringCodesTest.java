package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StringCodes} against a HashMap, for values that differ only in length or after the eighth byte. */
class StringCodesTest {
  @Test
  void equalValuesGetOneCodeAndTheirString() {
    StringCodes codes = new StringCodes();
    Map<String, Integer> expected = new HashMap<>();
    Random r = new Random(5);
    byte[] page = new byte[64];
    for (int n = 0; n < 200_000; n++) {
      String v = value(r.nextInt(30_000));
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      int off = r.nextInt(page.length - b.length + 1); // anywhere in a page, ending at its end or not
      java.util.Arrays.fill(page, (byte) r.nextInt());
      System.arraycopy(b, 0, page, off, b.length);
      int want = expected.computeIfAbsent(v, k -> expected.size());
      assertThat(codes.codeOf(page, off, b.length)).as(v).isEqualTo(want);
    }
    assertThat(codes.size()).isEqualTo(expected.size());
    expected.forEach((v, c) -> assertThat(codes.string(c)).isEqualTo(v));
  }

  @Test
  void valuesBeyondTheLimitGetNoCode() {
    StringCodes codes = new StringCodes(3);
    for (String v : new String[] {"a", "b", "c"}) {
      codes.codeOf(v.getBytes(StandardCharsets.UTF_8), 0, 1);
    }
    assertThat(codes.codeOf("d".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(-1);
    assertThat(codes.codeOf("b".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(1);
  }

  /** Prefixes of one another, the empty value, values equal in their first eight bytes, and non-ASCII ones. */
  private static String value(int i) {
    return switch (i % 5) {
      case 0 -> "p" + i;
      case 1 -> "p" + i + "\0";
      case 2 -> i % 1000 == 2 ? "" : "12345678-" + i;
      case 3 -> "12345678" + (i % 97);
      default -> "é" + i + "ü";
    };
  }
}
