package dev.larder.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.serving.lookup.Grant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir
  Path dir;

  @Test
  void readsHashedTokensWithTheirGrants() throws Exception {
    Path file = write("# clients", "", TokenFile.hashText("t1") + "  name=fraud-model  views=user_activity,user_profile"
        + "  services=fraud_model", TokenFile.hashText("t2") + " name=admin views=*");
    TokenStore store = TokenStore.load(file);

    Grant fraud = store.authenticate("t1").orElseThrow();
    assertThat(fraud.client()).isEqualTo("fraud-model");
    assertThat(fraud.views()).containsExactlyInAnyOrder("user_activity", "user_profile");
    assertThat(fraud.mayUseService("fraud_model")).isTrue();
    assertThat(fraud.mayUseService("other")).isFalse();
    assertThat(fraud.mayReadView("archive")).isFalse();
    assertThat(store.authenticate("t2").orElseThrow().mayReadView("anything")).isTrue();
    assertThat(store.authenticate("t3")).isEmpty();
    assertThat(TokenFile.read(file).get(0).grant()).isEqualTo(new Grant("fraud-model",
        Set.of("user_activity", "user_profile"), Set.of("fraud_model")));
  }

  @Test
  void hashMatchesSha256sum() {
    // printf %s secret | sha256sum
    assertThat(TokenFile.hashText("secret"))
        .isEqualTo("sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
  }

  @Test
  void malformedLinesAreNamedWithoutEchoingTheirContent() throws Exception {
    String h = TokenFile.hashText("t1");
    for (List<String> lines : List.of(List.of("plain-token-secret name=a"), List.of(h + " views=x"),
        List.of(h + " name=a colour=red"), List.of(h + " name=a", h + " name=b"),
        List.of(h + " name=a", TokenFile.hashText("t2") + " name=a"), List.of(h + " name=a views=a/b"),
        List.of(h + " name=a plain-token-secret"), List.of(h + " name=a views=plain-token-secret/"))) {
      Path file = write(lines.toArray(String[]::new));
      assertThatThrownBy(() -> TokenFile.read(file))
          .hasMessageStartingWith(file + " line " + lines.size() + ": ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("plain-token-secret", h.substring(7)));
    }
  }

  private Path write(String... lines) throws Exception {
    Path file = Files.createTempFile(dir, "tokens", ".txt");
    Files.write(file, List.of(lines));
    return file;
  }
}
