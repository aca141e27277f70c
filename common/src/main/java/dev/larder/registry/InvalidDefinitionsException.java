package dev.larder.registry;

import java.util.List;
import java.util.stream.Collectors;

/** The definitions cannot be applied; carries every problem found, in file and line order. */
public final class InvalidDefinitionsException extends Exception {
  private final List<Problem> problems;

  public InvalidDefinitionsException(List<Problem> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the definitions:\n"
        + problems.stream().sorted().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = problems.stream().sorted().toList();
  }

  public List<Problem> problems() {
    return problems;
  }
}
