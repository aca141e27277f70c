package dev.larder.serving.auth;

import dev.larder.serving.lookup.Grant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The token file: one client per line, tokens stored only as SHA-256 hashes, so that a leaked file does not
 * leak a usable token. Blank lines and lines starting with {@code #} are ignored.
 *
 * <pre>
 * sha256:&lt;64 hex digits&gt;  name=fraud-model  views=user_activity,user_profile  services=fraud_model
 * </pre>
 *
 * {@code name} is required; {@code views}, {@code services} and {@code writes} (push views the client may
 * write) are comma-separated names or {@code *}, and each may be absent (nothing). Errors name the file, line and field but never echo a hash or a value
 * that could be a token pasted by mistake.
 */
public final class TokenFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]+");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /** One line of the file: the token's hash and what it allows. */
  public record Entry(byte[] hash, Grant grant) {}

  private TokenFile() {}

  /**
   * Reads and validates a token file.
   *
   * @throws IOException naming the file (and line) when it cannot be read or a line is malformed
   */
  public static List<Entry> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Entry e;
      try {
        e = parse(line);
      } catch (IllegalArgumentException ex) {
        throw new IOException(file + " line " + (i + 1) + ": " + ex.getMessage());
      }
      for (Entry seen : entries) {
        if (Arrays.equals(seen.hash(), e.hash())) {
          throw new IOException(file + " line " + (i + 1) + ": the same token hash as '" + seen.grant().client() + "'");
        }
      }
      if (!names.add(e.grant().client())) {
        throw new IOException(file + " line " + (i + 1) + ": name '" + e.grant().client() + "' is used twice");
      }
      entries.add(e);
    }
    return List.copyOf(entries);
  }

  private static Entry parse(String line) {
    String[] fields = line.split("\\s+");
    if (!fields[0].startsWith("sha256:") || !HEX.matcher(fields[0].substring(7)).matches()) {
      throw new IllegalArgumentException("expected 'sha256:' and 64 lowercase hex digits first "
          + "(the hash of the token, not the token; see larder-server hash-token)");
    }
    byte[] hash = HexFormat.of().parseHex(fields[0].substring(7));
    String name = null;
    Set<String> views = Set.of();
    Set<String> services = Set.of();
    Set<String> writes = Set.of();
    for (int f = 1; f < fields.length; f++) {
      int eq = fields[f].indexOf('=');
      String key = eq < 0 ? fields[f] : fields[f].substring(0, eq);
      String value = eq < 0 ? "" : fields[f].substring(eq + 1);
      switch (key) {
        case "name" -> name = value;
        case "views" -> views = names(key, value);
        case "services" -> services = names(key, value);
        case "writes" -> writes = names(key, value);
        // The field is not echoed: a token pasted by mistake must not reach the log.
        default -> throw new IllegalArgumentException("field " + (f + 1) + " is not name=, views=, services= or writes=");
      }
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("expected name=<client name> (letters, digits, _ . @ -)");
    }
    return new Entry(hash, new Grant(name, views, services, writes));
  }

  private static Set<String> names(String key, String value) {
    Set<String> out = new LinkedHashSet<>();
    if (value.isEmpty()) {
      return out;
    }
    for (String n : value.split(",")) {
      if (!n.equals("*") && !NAME.matcher(n).matches()) {
        throw new IllegalArgumentException(key + "= expects comma-separated names (letters, digits, _ . @ -) or *");
      }
      out.add(n);
    }
    return out;
  }

  /** SHA-256 of the token's UTF-8 bytes: what the file stores and what a presented token is compared by. */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The file form of a token: {@code sha256:<hex>}. */
  public static String hashText(String token) {
    return "sha256:" + HexFormat.of().formatHex(hash(token));
  }
}
