package dev.larder.serving.auth;

import dev.larder.serving.FileSignature;
import dev.larder.serving.lookup.Grant;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepted tokens, kept in step with the token file without a restart, the same way the registry is:
 * {@link #poll} compares the file's modification time, size and identity with the last one seen and on a
 * change reads it whole. A file that is missing or malformed is refused with one log line (naming the line,
 * never its content) and the last good tokens stay in force, so a typo cannot lock every client out.
 */
public final class TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server");

  /** What a poll did. */
  public enum Outcome { UNCHANGED, LOADED, REFUSED }


  private final Path path;
  private final AtomicReference<List<TokenFile.Entry>> current;
  private FileSignature lastSeen;

  private TokenStore(Path path, List<TokenFile.Entry> entries, FileSignature seen) {
    this.path = path;
    this.current = new AtomicReference<>(entries);
    this.lastSeen = seen;
  }

  /**
   * Loads the token file at start; unlike a reload, a bad file here stops the server.
   *
   * @throws IOException naming the file (and line) when it is missing or malformed
   */
  public static TokenStore load(Path path) throws IOException {
    FileSignature seen = FileSignature.of(path);
    if (seen == null) {
      throw new NoSuchFileException(path + " (server.auth.tokens_file)");
    }
    return new TokenStore(path, TokenFile.read(path), seen);
  }

  /**
   * The grant of a presented token, or empty. Every stored hash is compared in constant time, so the time
   * taken does not reveal how much of a hash matched or which entry did.
   */
  public Optional<Grant> authenticate(String token) {
    byte[] hash = TokenFile.hash(token);
    Grant found = null;
    for (TokenFile.Entry e : current.get()) {
      if (MessageDigest.isEqual(e.hash(), hash)) {
        found = e.grant();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return current.get().size();
  }

  /** Checks the file once; called from a single timer thread. */
  public Outcome poll() {
    FileSignature sig = FileSignature.probe(path);
    if (Objects.equals(sig, lastSeen)) {
      return Outcome.UNCHANGED;
    }
    lastSeen = sig;
    try {
      if (sig == null) {
        throw new NoSuchFileException(path.toString());
      }
      List<TokenFile.Entry> next = TokenFile.read(path);
      current.set(next);
      LOG.info("event=tokens_loaded path={} tokens={}", path, next.size());
      return Outcome.LOADED;
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=tokens_refused path={} reason=\"{}\" kept_tokens={}", path,
          String.valueOf(e.getMessage()).replace('"', '\''), current.get().size());
      return Outcome.REFUSED;
    }
  }
}
