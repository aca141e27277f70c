package dev.larder.offline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file that should be Parquet actually holds, judged from its first bytes, so that a source declared
 * {@code format: PARQUET} over CSV files gets one clear message ("looks like CSV") instead of a reader error
 * that names an internal stream object.
 */
final class FileContent {
  private static final int SNIFF_BYTES = 4096;

  private FileContent() {}

  /** The message for {@code file} that failed to open as Parquet; {@code cause} is the reader's message. */
  static String notParquet(Path file, String display, String cause) {
    byte[] head;
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SNIFF_BYTES);
      size = Files.size(file);
    } catch (IOException e) {
      return display + ": not a readable Parquet file (" + e.getMessage() + ")";
    }
    if (size == 0) {
      return display + ": not a Parquet file: the file is empty";
    }
    if (startsWith(head, "PAR1")) {
      return display + ": a damaged or truncated Parquet file (" + clean(cause) + ")";
    }
    String firstLine = textLine(head);
    if (firstLine != null && firstLine.contains(",")) {
      return display + ": not a Parquet file: it looks like CSV (first line: '" + shorten(firstLine)
          + "'); declare the source with format: CSV, or convert the file to Parquet";
    }
    if (firstLine != null) {
      return display + ": not a Parquet file: it is text (first line: '" + shorten(firstLine)
          + "'); Parquet files start with the bytes PAR1";
    }
    return display + ": not a Parquet file: it does not start with the bytes PAR1";
  }

  private static boolean startsWith(byte[] b, String magic) {
    if (b.length < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (b[i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The first line when the head decodes as UTF-8 text without control characters, else null. */
  private static String textLine(byte[] head) {
    int n = head.length;
    while (n > 0 && (head[n - 1] & 0xC0) == 0x80) {
      n--; // a multi-byte character cut at the end of the sniffed bytes
    }
    if (n > 0 && (head[n - 1] & 0x80) != 0) {
      n--;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(head, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
        return null;
      }
    }
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }

  private static String shorten(String line) {
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }

  /** The reader's message without the {@code LocalInputFile@1a2b3c} object name it puts in. */
  private static String clean(String cause) {
    return String.valueOf(cause).replaceAll("org\\.apache\\.parquet\\.io\\.LocalInputFile@[0-9a-f]+", "the file");
  }
}
