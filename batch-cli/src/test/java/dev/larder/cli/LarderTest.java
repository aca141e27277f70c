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
    assertThat(all.getSubcommands().keySet()).containsExactlyElementsOf(
        java.util.stream.Stream.concat(java.util.stream.Stream.of("help"), Larder.SUBCOMMANDS.keySet().stream()).toList());
    all.getSubcommands().forEach((name, sub) -> {
      Command declared = sub.getCommandSpec().userObject().getClass().getAnnotation(Command.class);
      assertThat(declared.name()).as("@Command name of the class registered as '%s'", name).isEqualTo(name);
    });
  }

  @Test
  void aRunBuildsOnlyTheSubcommandItNames() {
    assertThat(Larder.commandLine("compute").getSubcommands().keySet()).containsExactly("help", "compute");
    assertThat(Larder.commandLine("--help").getSubcommands()).hasSize(Larder.SUBCOMMANDS.size() + 1);
    assertThat(Larder.commandLine("no-such-command").getSubcommands()).hasSize(Larder.SUBCOMMANDS.size() + 1);
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
      String line = lines.stream().filter(l -> l.startsWith("  " + name + " ")).findFirst().orElseThrow(
          () -> new AssertionError("no line for " + name + " in\n" + help));
      assertThat(line).as("help line of %s", name).endsWith(".").hasSizeLessThanOrEqualTo(80);
      int at = lines.indexOf(line);
      String next = at + 1 < lines.size() ? lines.get(at + 1) : "";
      assertThat(next).as("line after %s's (no continuation)", name).doesNotStartWith("      ");
    });
  }
}
