package dev.larder.serving.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.util.function.Predicate;

/**
 * Lets a scrape through only with {@code Authorization: Bearer <token>} naming an accepted token (what
 * Prometheus sends with {@code authorization: credentials_file} in its scrape config). A refusal says why
 * but never echoes what was sent.
 */
final class BearerAuthenticator extends Authenticator {
  private static final String PREFIX = "Bearer ";

  private final Predicate<String> tokens;

  BearerAuthenticator(Predicate<String> tokens) {
    this.tokens = tokens;
  }

  @Override
  public Result authenticate(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"larder-metrics\"");
      return new Failure(401);
    }
    if (!tokens.test(header.substring(PREFIX.length()).strip())) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"larder-metrics\", error=\"invalid_token\"");
      return new Failure(401);
    }
    return new Success(new HttpPrincipal("scraper", "larder-metrics"));
  }
}
