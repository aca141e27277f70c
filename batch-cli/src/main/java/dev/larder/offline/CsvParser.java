package dev.larder.offline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits RFC 4180 CSV into records: comma separated, double-quoted fields may hold commas, quotes ({@code ""})
 * and line breaks; CRLF or LF line ends; a UTF-8 byte order mark is skipped. It tracks the line each record
 * starts on so that errors can point at it, and rejects invalid UTF-8 instead of silently replacing it.
 * Kept in-house (rather than commons-csv) because it is small, fast, and gives us exact line numbers and
 * UTF-8 validation in our error messages.
 */
final class CsvParser implements AutoCloseable {
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
  private boolean eof;
  private boolean malformed;
  private final String display;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int len;
  private long line = 1;
  private long recordLine;
  private final StringBuilder field = new StringBuilder();

  CsvParser(Path file, String display) throws IOException {
    this(Files.newInputStream(file), display);
  }

  /** Parses a stream, which the parser closes. */
  CsvParser(java.io.InputStream in, String display) throws IOException {
    this.in = in;
    this.display = display;
    if (fill() && buf[0] == '\uFEFF') {
      pos = 1;
    }
  }

  /** Line number (1-based) where the last returned record started. */
  long line() {
    return recordLine;
  }

  /** The next record, or null at the end of the file. Blank lines are skipped. */
  String[] next() throws IOException {
    List<String> fields = new ArrayList<>();
    while (true) {
      if (pos >= len && !fill()) {
        return null;
      }
      char c = buf[pos];
      if (c == '\n' || c == '\r') { // blank line
        consumeLineEnd();
        continue;
      }
      break;
    }
    recordLine = line;
    while (true) {
      boolean more = readField(fields);
      if (!more) {
        return fields.toArray(new String[0]);
      }
    }
  }

  /** Reads one field into {@code fields}; returns whether another field follows on this record. */
  private boolean readField(List<String> fields) throws IOException {
    field.setLength(0);
    if (pos < len || fill()) {
      if (buf[pos] == '"') {
        pos++;
        long startLine = line;
        while (true) {
          if (pos >= len && !fill()) {
            throw new IOException(display + " line " + startLine + ": quoted field is not closed before the end of the file");
          }
          char c = buf[pos++];
          if (c == '"') {
            if ((pos < len || fill()) && buf[pos] == '"') {
              field.append('"');
              pos++;
            } else {
              break;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append(c);
          }
        }
        fields.add(field.toString());
        if (pos >= len && !fill()) {
          return false;
        }
        char c = buf[pos];
        if (c == ',') {
          pos++;
          return true;
        }
        if (c == '\r' || c == '\n') {
          consumeLineEnd();
          return false;
        }
        throw new IOException(display + " line " + line + ", field " + fields.size()
            + ": unexpected character '" + c + "' after a closing quote; expected a comma or a line end");
      }
    }
    while (true) {
      if (pos >= len && !fill()) {
        fields.add(field.toString());
        return false;
      }
      int start = pos;
      while (pos < len) {
        char c = buf[pos];
        if (c == ',' || c == '\n' || c == '\r') {
          field.append(buf, start, pos - start);
          fields.add(field.toString());
          if (c == ',') {
            pos++;
            return true;
          }
          consumeLineEnd();
          return false;
        }
        if (c == '"') {
          throw new IOException(display + " line " + line + ", field " + (fields.size() + 1)
              + ": a quote inside an unquoted field; quote the whole field and double the quote");
        }
        pos++;
      }
      field.append(buf, start, pos - start);
    }
  }

  private void consumeLineEnd() throws IOException {
    if (buf[pos] == '\r') {
      pos++;
      if ((pos < len || fill()) && buf[pos] == '\n') {
        pos++;
      }
    } else {
      pos++;
    }
    line++;
  }

  /**
   * Decodes the next chunk of the file into {@code buf}. Invalid UTF-8 is reported only once the text before
   * it has been parsed, so that the error names the exact line.
   */
  private boolean fill() throws IOException {
    if (malformed) {
      throw new IOException(display + " line " + line + ": invalid UTF-8; CSV files must be UTF-8 encoded");
    }
    CharBuffer out = CharBuffer.wrap(buf);
    while (out.position() == 0) {
      if (!eof) {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
          eof = true;
        } else {
          bytes.position(bytes.position() + n);
        }
        bytes.flip();
      }
      CoderResult r = decoder.decode(bytes, out, eof);
      if (r.isError()) {
        malformed = true;
        break;
      }
      if (eof) {
        break;
      }
    }
    pos = 0;
    len = out.position();
    if (len == 0 && malformed) {
      return fill();
    }
    return len > 0;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
