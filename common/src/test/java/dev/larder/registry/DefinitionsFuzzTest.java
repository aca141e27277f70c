package dev.larder.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the definitions path that {@code larder apply} runs on user files: parse, then validate.
 * Any outcome but a parsed result or {@link InvalidDefinitionsException} is a bug (an unexpected exception, or a
 * problem list that is empty while nothing was returned). Without {@code JAZZER_FUZZ=1} it replays the kept inputs
 * under {@code DefinitionsFuzzTestInputs/}.
 */
class DefinitionsFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void parseAndValidate(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    DefinitionSet set = DefinitionSet.empty();
    List<Problem> problems = new ArrayList<>();
    DefinitionReader.parse("fuzz.textproto", text, set, problems);
    try {
      DefinitionReader.validate(new DefinitionReader.Parsed(set, problems, List.of("fuzz.textproto")),
          SchemaProvider.NONE, note -> { });
    } catch (InvalidDefinitionsException expected) {
      if (expected.getMessage() == null || expected.getMessage().isBlank()) {
        throw new AssertionError("invalid definitions without a message", expected);
      }
    }
  }
}
