package dev.larder.serving;

import dev.larder.serving.auth.TokenFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code larder-server hash-token}: prints the {@code sha256:<hex>} form of a token for the token file. The
 * token is read from standard input, never from the command line, where other users could see it.
 */
@Command(name = "hash-token", mixinStandardHelpOptions = true,
    description = {"Prints the token-file hash of the token read from standard input (first line).",
        "With --generate, makes a new random token and prints it, then its hash."})
final class HashTokenCommand implements Callable<Integer> {
  @Option(names = "--generate", description = "Generate a random 256-bit token instead of reading one.")
  boolean generate;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String token;
    if (generate) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      token = HexFormat.of().formatHex(bytes);
      spec.commandLine().getOut().println(token);
    } else {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      token = line == null ? "" : line.strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException("no token on standard input; try: printf %s \"$TOKEN\" | larder-server hash-token");
      }
    }
    spec.commandLine().getOut().println(TokenFile.hashText(token));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
