package dev.larder.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map of docs/architecture.md, enforced: {@code common} is the lean shared core that every engine
 * embeds, the server carries no batch code, engines never reach into the command line, and packages and type
 * names are unambiguous. Maven already stops {@code common} from depending on a module it does not declare; these
 * rules also catch what Maven cannot see (package cycles, split packages, a CLI import inside an engine).
 */
class ArchitectureTest {
  /** The packages of each of our modules (the generated protobuf packages belong to {@code proto}). */
  static final Map<String, List<String>> MODULES = Map.of(
      "proto", List.of("dev.larder.core.v1..", "dev.larder.serving.v1.."),
      "common", List.of("dev.larder.aggregate..", "dev.larder.registry..", "dev.larder.time..", "dev.larder.value..",
          "dev.larder.online..", "dev.larder.pointintime..", "dev.larder.lock..", "dev.larder.disk..",
          "dev.larder.build.."),
      "batch-cli", List.of("dev.larder.cli..", "dev.larder.compute..", "dev.larder.materialize..",
          "dev.larder.offline..", "dev.larder.sample..", "dev.larder.stats..", "dev.larder.training..",
          "dev.larder.join..", "dev.larder.describe..", "dev.larder.tasks..", "dev.larder.spill..",
          "dev.larder.ingest..", "dev.larder.storage.."),
      "serving-server", List.of("dev.larder.serving", "dev.larder.serving.auth..", "dev.larder.serving.lookup..",
          "dev.larder.serving.metrics..", "dev.larder.serving.http..",
          "dev.larder.serving.push.."),
      "integration-tests", List.of("dev.larder.quickstart.."));

  static JavaClasses classes;

  @BeforeAll
  static void importOurClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("dev.larder");
  }

  private static String[] packagesOf(String... modules) {
    return java.util.Arrays.stream(modules).flatMap(m -> MODULES.get(m).stream()).toArray(String[]::new);
  }

  @Test
  void everyClassBelongsToAModule() {
    List<String> orphans = classes.stream()
        .filter(c -> MODULES.values().stream().flatMap(List::stream).noneMatch(p -> c.getPackage().getName()
            .equals(p.replace("..", "")) || (p.endsWith("..") && c.getPackageName().startsWith(p.replace("..", ".")))))
        .map(JavaClass::getName).toList();
    assertThat(orphans).as("classes in a package no module of docs/architecture.md owns").isEmpty();
    assertThat(classes.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith("dev.larder.compute")))
        .as("the import found our batch classes").isNotEmpty();
  }

  @Test
  void commonDependsOnNothingOfOursButProto() {
    noClasses().that().resideInAnyPackage(packagesOf("common"))
        .should().dependOnClassesThat().resideInAnyPackage(packagesOf("batch-cli", "serving-server", "integration-tests"))
        .check(classes);
  }

  @Test
  void theServerCarriesNoBatchCode() {
    noClasses().that().resideInAnyPackage(packagesOf("serving-server"))
        .should().dependOnClassesThat().resideInAnyPackage(packagesOf("batch-cli"))
        .check(classes);
  }

  @Test
  void noEngineImportsTheCommandLine() {
    noClasses().that().resideOutsideOfPackages("dev.larder.cli..", "dev.larder.quickstart..")
        .should().dependOnClassesThat().resideInAPackage("dev.larder.cli..")
        .check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.larder.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void noPackageIsSplitAcrossModules() {
    Map<String, Set<String>> jarsByPackage = new TreeMap<>();
    for (JavaClass c : classes) {
      c.getSource().ifPresent(s -> jarsByPackage.computeIfAbsent(c.getPackageName(), k -> new TreeSet<>())
          .add(moduleOf(s.getUri().toString())));
    }
    Map<String, Set<String>> split = jarsByPackage.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(split).as("packages whose classes come from more than one module").isEmpty();
  }

  @Test
  void noTwoOfOurTypesShareASimpleName() {
    Map<String, List<String>> byName = classes.stream()
        .filter(c -> c.isTopLevelClass() && !c.getPackageName().endsWith(".v1") && !c.getPackageName().contains(".v1."))
        .collect(Collectors.groupingBy(JavaClass::getSimpleName, TreeMap::new,
            Collectors.mapping(JavaClass::getName, Collectors.toList())));
    byName.values().removeIf(l -> l.size() < 2);
    assertThat(byName).as("top-level types sharing a simple name").isEmpty();
  }

  /** The module folder or jar a class file came from: .../common/target/classes/... or .../larder-common-x.jar. */
  private static String moduleOf(String uri) {
    int target = uri.indexOf("/target/");
    if (target >= 0) {
      String before = uri.substring(0, target);
      return before.substring(before.lastIndexOf('/') + 1);
    }
    int jar = uri.indexOf(".jar");
    String path = jar >= 0 ? uri.substring(0, jar) : uri;
    return path.substring(path.lastIndexOf('/') + 1).replaceAll("-\\d.*$", "");
  }
}
