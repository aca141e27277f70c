package dev.larder.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the real command while the issue that owns it is worked on.
@Command(name = "report", description = "(not yet implemented)")
public final class ReportCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw UserError.failure("'report' is not implemented yet");
  }
}
