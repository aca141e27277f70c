package dev.larder.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the real command while the issue that owns it is worked on.
@Command(name = "stats", description = "(not yet implemented)")
public final class StatsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw UserError.failure("'stats' is not implemented yet");
  }
}
