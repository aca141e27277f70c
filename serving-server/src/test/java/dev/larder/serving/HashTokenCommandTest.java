package dev.larder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.serving.auth.TokenFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashTokenCommandTest {
  @Test
  void hashesTheTokenOnStandardInput() {
    InputStream in = System.in;
    try {
      System.setIn(new ByteArrayInputStream("secret\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(run("hash-token")).isEqualTo(TokenFile.hashText("secret") + "\n");
    } finally {
      System.setIn(in);
    }
  }

  @Test
  void generatesARandomTokenAndItsHash() {
    String[] lines = run("hash-token", "--generate").split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).matches("[0-9a-f]{64}");
    assertThat(lines[1]).isEqualTo(TokenFile.hashText(lines[0]));
    assertThat(run("hash-token", "--generate")).doesNotStartWith(lines[0]);
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    var cl = ServerMain.commandLine(Map.of());
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute(args)).isZero();
    return out.toString();
  }
}
