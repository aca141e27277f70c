package dev.larder.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataLocationTest {
  private static final Path BASE = Path.of("/repo");

  @Test
  void plainPathsAndFileUrisAreLocalAndResolveAgainstTheBase() {
    assertThat(DataLocation.parse("data/events", BASE).localPath()).isEqualTo(Path.of("/repo/data/events"));
    assertThat(DataLocation.parse("/srv/x/../events", BASE).localPath()).isEqualTo(Path.of("/srv/events"));
    assertThat(DataLocation.parse("file:///srv/events", BASE).localPath()).isEqualTo(Path.of("/srv/events"));
    assertThat(DataLocation.parse("data/events", BASE).isLocal()).isTrue();
  }

  @Test
  void hdfsAndS3aUrisAreRemoteAndKeepTheirAuthority() {
    DataLocation h = DataLocation.parse("hdfs://nn:8020/shop/events", BASE);
    assertThat(h.isLocal()).isFalse();
    assertThat(h.scheme()).isEqualTo("hdfs");
    assertThat(h.toString()).isEqualTo("hdfs://nn:8020/shop/events");
    assertThat(DataLocation.parse("s3a://bucket/shop", BASE).resolve("data/events").toString())
        .isEqualTo("s3a://bucket/shop/data/events");
    assertThat(DataLocation.isRemote("S3A://bucket/x")).isTrue();
    assertThat(DataLocation.isRemote("data/s3a://x")).isFalse();
  }

  @Test
  void otherSchemesAndMissingBucketsAreRefusedWithAHint() {
    assertThatThrownBy(() -> DataLocation.parse("s3://bucket/x", BASE)).hasMessageContaining("use a path, file://,")
        .hasMessageContaining("s3a://");
    assertThatThrownBy(() -> DataLocation.parse("gs://bucket/x", BASE)).hasMessageContaining("unsupported scheme");
    assertThatThrownBy(() -> DataLocation.parse("s3a:///x", BASE)).hasMessageContaining("no bucket after s3a://");
    assertThatThrownBy(() -> DataLocation.parse(" ", BASE)).hasMessageContaining("an empty location");
  }

  @Test
  void userInfoIsNeverShown() {
    DataLocation l = DataLocation.parse("s3a://AKID:SECRET/KEY@bucket/x", BASE);
    assertThat(l.toString()).isEqualTo("s3a://***@bucket/x").doesNotContain("AKID").doesNotContain("SECRET");
    assertThatThrownBy(() -> DataLocation.parse("s4://AKID:SECRET@bucket/x", BASE))
        .hasMessageNotContaining("SECRET").hasMessageContaining("s4://***@bucket/x");
  }

  @Test
  void secretValuesOfTheConfigurationAreRedactedFromMessages() {
    StorageSettings s = StorageSettings.of(null, Map.of("fs.s3a.secret.key", "sup3r-s3cret", "fs.s3a.access.key",
        "AKIDEXAMPLE", "fs.s3a.endpoint", "http://minio:9000", "server.port", "1"));
    assertThat(s.redact("failed with key AKIDEXAMPLE and sup3r-s3cret at http://minio:9000"))
        .isEqualTo("failed with key *** and *** at http://minio:9000");
    assertThat(s.sources()).containsExactly("Hadoop defaults", "3 fs.* keys of larder.properties");
    assertThat(s.hadoop().get("fs.s3a.endpoint")).isEqualTo("http://minio:9000");
    assertThat(s.hadoop().get("server.port")).isNull();
  }

  @Test
  void hadoopConfDirFilesAreReadAndTheProjectFileWins(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("core-site.xml"), """
        <configuration>
          <property><name>fs.s3a.endpoint</name><value>http://from-site:9000</value></property>
          <property><name>fs.s3a.path.style.access</name><value>true</value></property>
        </configuration>
        """);
    StorageSettings s = StorageSettings.of(dir.toString(), Map.of("fs.s3a.endpoint", "http://from-project:9000"));
    assertThat(s.hadoop().get("fs.s3a.path.style.access")).isEqualTo("true");
    assertThat(s.hadoop().get("fs.s3a.endpoint")).isEqualTo("http://from-project:9000");
    assertThat(s.sources()).contains(dir.resolve("core-site.xml").toString());
  }
}
