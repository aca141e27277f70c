package dev.larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class LarderTest {
  @Test
  void everySubcommandIsRegisteredUnderItsOwnCommandName() {
    CommandLine all = Larder.commandLine();
    java.util.List<String> expected = new java.util.ArrayList<>(java.util.List.of("help"));
    Larder.SUBCOMMANDS.forEach((name, command) -> {
      expected.add(name);
      expected.addAll(java.util.List.of(command.get().getClass().getAnnotation(Command.class).aliases()));
    });
    assertThat(all.getSubcommands().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    Larder.SUBCOMMANDS.forEach((name, command) -> {
      Command declared = all.getSubcommands().get(name).getCommandSpec().userObject().getClass()
          .getAnnotation(Command.class);
      assertThat(declared.name()).as("@Command name of the class registered as '%s'", name).isEqualTo(name);
    });
    assertThat(all.getSubcommands().get("history").getCommandName()).as("the former name of `log`").isEqualTo("log");
  }

  @Test
  void aRunBuildsOnlyTheSubcommandItNames() {
    assertThat(Larder.commandLine("compute").getSubcommands().keySet()).containsExactly("help", "compute");
    assertThat(new java.util.HashSet<>(Larder.commandLine("--help").getSubcommands().values()))
        .hasSize(Larder.SUBCOMMANDS.size() + 1); // and help; `log` is also registered as `history`
    assertThat(Larder.commandLine("no-such-command").getSubcommands().keySet())
        .isEqualTo(Larder.commandLine("--help").getSubcommands().keySet());
  }

  @Test
  void topLevelHelpStillListsEveryCommand() {
    StringWriter out = new StringWriter();
    CommandLine cl = Larder.commandLine("--help");
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString()).contains("compute", "training-set", "materialize-incremental", "report");
  }

  @Test
  void versionIsTheBuildsVersionAndCommit() {
    StringWriter out = new StringWriter();
    CommandLine cl = Larder.commandLine("--version");
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--version")).isZero();
    assertThat(out.toString().strip()).isEqualTo(dev.larder.build.BuildInfo.current().describe("larder"))
        .doesNotContain("dev").contains("(commit ");
  }

  @Test
  void helpListsEveryCommandWithOneCompleteLine() {
    assertOneCompleteLinePerSubcommand(Larder.commandLine("--help"));
    assertOneCompleteLinePerSubcommand(Larder.commandLine("sample").getSubcommands().get("sample"));
    assertOneCompleteLinePerSubcommand(Larder.commandLine("online").getSubcommands().get("online"));
  }

  private static void assertOneCompleteLinePerSubcommand(CommandLine cl) {
    String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    java.util.List<String> lines = help.lines().toList();
    cl.getSubcommands().forEach((name, sub) -> {
      // a command with an alias is listed once, as "log, history"
      String line = lines.stream().filter(l -> l.matches("  (\\S+, )?" + name + "[ ,].*")).findFirst().orElseThrow(
          () -> new AssertionError("no line for " + name + " in\n" + help));
      assertThat(line).as("help line of %s", name).endsWith(".").hasSizeLessThanOrEqualTo(80);
      int at = lines.indexOf(line);
      String next = at + 1 < lines.size() ? lines.get(at + 1) : "";
      assertThat(next).as("line after %s's (no continuation)", name).doesNotStartWith("      ");
    });
  }
}
