package dev.larder.aggregate;

import dev.larder.aggregate.Condition.ColumnOperand;
import dev.larder.aggregate.Condition.Literal;
import dev.larder.aggregate.Condition.Op;
import dev.larder.aggregate.Condition.Operand;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser and type checker for {@link Filter}. Grammar (keywords case-insensitive):
 *
 * <pre>
 * or        := and ('OR' and)*
 * and       := not ('AND' not)*
 * not       := 'NOT' not | '(' or ')' | predicate
 * predicate := operand ( cmp operand | ['NOT'] 'IN' '(' literal (',' literal)* ')' | 'IS' ['NOT'] 'NULL' )?
 * operand   := column | "quoted column" | 'string' | number | TRUE | FALSE
 * </pre>
 *
 * A predicate without a comparison must be a boolean column or literal.
 *
 * <p>Filters are bounded so that hostile or generated text cannot exhaust the stack or the heap: at most
 * {@link #MAX_LENGTH} characters and {@link #MAX_DEPTH} levels of parentheses and NOTs; AND and OR chains are
 * kept flat, so they cost no depth however long they are.
 */
final class FilterParser {
  /** Longest filter text accepted. */
  static final int MAX_LENGTH = 65_536;
  /** Deepest nesting of parentheses and NOT accepted. */
  static final int MAX_DEPTH = 64;

  private enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, OP, LPAREN, RPAREN, COMMA, END }

  private record Token(Kind kind, String text, int offset) {
    String describe() {
      return switch (kind) {
        case END -> "end of filter";
        case STRING -> "'" + text.replace("'", "''") + "'";
        case QUOTED_NAME -> "\"" + text + "\"";
        default -> "'" + text + "'";
      };
    }

    boolean isWord(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }
  }

  /** What an operand holds, for type checking. */
  private enum Domain { NUMBER, STRING, BOOL, TIMESTAMP, OTHER }

  private record Typed(Operand operand, Domain domain, String label, int offset, boolean literal) {}

  private static final Comparator<Object> NUMBERS = FilterParser::compareNumbers;
  private static final Comparator<Object> NATURAL = FilterParser::compareNatural;

  private final String text;
  private final RowSchema schema;
  private final List<Token> tokens;
  private final Set<String> used = new LinkedHashSet<>();
  private int pos;
  private int depth;

  FilterParser(String text, RowSchema schema) {
    if (text.length() > MAX_LENGTH) {
      throw new FilterSyntaxException("the filter is " + text.length() + " characters long; at most " + MAX_LENGTH
          + " are allowed", MAX_LENGTH);
    }
    this.text = text;
    this.schema = schema;
    this.tokens = lex(text);
  }

  Filter parse() {
    Condition c = or();
    Token t = peek();
    if (t.kind != Kind.END) {
      throw error("expected AND, OR or end of filter but found " + t.describe(), t);
    }
    return new Filter(text, c, new ArrayList<>(used));
  }

  private Condition or() {
    List<Condition> terms = new ArrayList<>();
    terms.add(and());
    while (peek().isWord("OR")) {
      pos++;
      terms.add(and());
    }
    return terms.size() == 1 ? terms.get(0) : new Condition.Or(terms);
  }

  private Condition and() {
    List<Condition> terms = new ArrayList<>();
    terms.add(not());
    while (peek().isWord("AND")) {
      pos++;
      terms.add(not());
    }
    return terms.size() == 1 ? terms.get(0) : new Condition.And(terms);
  }

  private Condition not() {
    Token t = peek();
    if (t.isWord("NOT") || t.kind == Kind.LPAREN) {
      if (++depth > MAX_DEPTH) {
        throw error("the filter nests parentheses and NOT more than " + MAX_DEPTH + " levels deep", t);
      }
      pos++;
      Condition c;
      if (t.kind == Kind.LPAREN) {
        c = or();
        expect(Kind.RPAREN, "')'");
      } else {
        c = new Condition.Not(not());
      }
      depth--;
      return c;
    }
    return predicate();
  }

  private Condition predicate() {
    Typed left = operand("a column, a literal, NOT or '('");
    Token t = peek();
    if (t.kind == Kind.OP) {
      pos++;
      Op op = switch (t.text) {
        case "=" -> Op.EQ;
        case "!=", "<>" -> Op.NE;
        case "<" -> Op.LT;
        case "<=" -> Op.LE;
        case ">" -> Op.GT;
        default -> Op.GE;
      };
      Typed right = operand("a column or a literal after " + t.describe());
      Domain d = unify(left, right, t);
      if (d == Domain.BOOL && op != Op.EQ && op != Op.NE) {
        throw error("booleans can only be compared with = or !=, not " + t.text, t);
      }
      return new Condition.Compare(coerce(left, d), op, coerce(right, d), comparator(d));
    }
    if (t.isWord("IS")) {
      pos++;
      boolean negated = false;
      if (peek().isWord("NOT")) {
        pos++;
        negated = true;
      }
      Token n = next();
      if (!n.isWord("NULL")) {
        throw error("expected NULL or NOT NULL after IS but found " + n.describe(), n);
      }
      Condition c = new Condition.IsNull(left.operand);
      return negated ? new Condition.Not(c) : c;
    }
    boolean negated = false;
    if (t.isWord("NOT") && peekAt(1).isWord("IN")) {
      pos++;
      negated = true;
      t = peek();
    }
    if (t.isWord("IN")) {
      pos++;
      return negated ? new Condition.Not(in(left, t)) : in(left, t);
    }
    if (left.domain == Domain.BOOL) {
      return new Condition.Truth(left.operand);
    }
    throw error("expected a comparison (=, !=, <, <=, >, >=), IN, IS NULL, AND, OR or end of filter after "
        + left.label + " but found " + t.describe(), t);
  }

  private Condition in(Typed left, Token inToken) {
    expect(Kind.LPAREN, "'(' after IN");
    List<Object> candidates = new ArrayList<>();
    Domain d = null;
    do {
      Token lt = peek();
      Typed lit = operand("a literal in the IN list");
      if (!lit.literal) {
        throw error("expected a literal in the IN list but found column " + lit.label, lt);
      }
      d = unify(left, lit, lt);
      candidates.add(coerce(lit, d).value(null));
    } while (accept(Kind.COMMA));
    expect(Kind.RPAREN, "',' or ')' to close the IN list");
    if (d == Domain.BOOL || d == null) {
      d = Domain.BOOL;
    }
    return new Condition.In(coerce(left, d), candidates, comparator(d));
  }

  private Typed operand(String expected) {
    Token t = next();
    switch (t.kind) {
      case STRING:
        return new Typed(new Literal(t.text), Domain.STRING, t.describe(), t.offset, true);
      case NUMBER:
        return new Typed(new Literal(number(t)), Domain.NUMBER, t.text, t.offset, true);
      case QUOTED_NAME:
        return column(t);
      case WORD:
        if (t.isWord("TRUE") || t.isWord("FALSE")) {
          return new Typed(new Literal(t.isWord("TRUE")), Domain.BOOL, t.text.toUpperCase(Locale.ROOT), t.offset, true);
        }
        if (t.isWord("NULL")) {
          throw error("NULL cannot be compared (comparisons with null are never true); use IS NULL or IS NOT NULL", t);
        }
        if (isKeyword(t.text)) {
          throw error("expected " + expected + " but found keyword " + t.text.toUpperCase(Locale.ROOT), t);
        }
        return column(t);
      default:
        throw error("expected " + expected + " but found " + t.describe(), t);
    }
  }

  private Typed column(Token t) {
    int index = schema.indexOf(t.text);
    if (index < 0) {
      List<String> names = schema.columns().stream().map(Column::name).toList();
      throw error("unknown column '" + t.text + "'; the source has " + names, t);
    }
    used.add(t.text);
    ValueType type = schema.column(index).type();
    Domain d = Values.isNumeric(type) ? Domain.NUMBER
        : type == ValueType.STRING ? Domain.STRING
        : type == ValueType.BOOL ? Domain.BOOL
        : type == ValueType.TIMESTAMP ? Domain.TIMESTAMP
        : Domain.OTHER;
    return new Typed(new ColumnOperand(index), d, "column '" + t.text + "' (" + Values.typeName(type) + ")",
        t.offset, false);
  }

  /** The domain both sides are compared in, or an error naming both types. */
  private Domain unify(Typed a, Typed b, Token at) {
    if (a.domain == Domain.OTHER || b.domain == Domain.OTHER) {
      Typed bad = a.domain == Domain.OTHER ? a : b;
      throw error(bad.label + " cannot be compared; filters compare numbers, strings, booleans and timestamps",
          tokenAt(bad.offset));
    }
    if (a.domain == b.domain) {
      return a.domain;
    }
    // A quoted time compared to a timestamp column.
    if (a.domain == Domain.TIMESTAMP && b.domain == Domain.STRING && b.literal
        || b.domain == Domain.TIMESTAMP && a.domain == Domain.STRING && a.literal) {
      return Domain.TIMESTAMP;
    }
    String hint = a.domain == Domain.TIMESTAMP || b.domain == Domain.TIMESTAMP
        ? "; write times as quoted ISO-8601 text, e.g. '2026-01-01T00:00:00Z'" : "";
    throw error("cannot compare " + a.label + " with " + b.label + hint, at);
  }

  private Operand coerce(Typed t, Domain d) {
    if (d == Domain.TIMESTAMP && t.domain == Domain.STRING) {
      String s = (String) ((Literal) t.operand).constant();
      try {
        return new Literal(Timestamps.parseMicros(s));
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage(), tokenAt(t.offset));
      }
    }
    return t.operand;
  }

  private static Comparator<Object> comparator(Domain d) {
    return d == Domain.NUMBER ? NUMBERS : NATURAL;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareNatural(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  private static int compareNumbers(Object a, Object b) {
    if ((a instanceof Long || a instanceof Integer) && (b instanceof Long || b instanceof Integer)) {
      return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    }
    double x = ((Number) a).doubleValue();
    double y = ((Number) b).doubleValue();
    return x < y ? -1 : x > y ? 1 : x == y ? 0 : Double.compare(x, y);
  }

  private Object number(Token t) {
    String s = t.text;
    try {
      if (s.contains(".") || s.contains("e") || s.contains("E")) {
        return Double.parseDouble(s);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw error("'" + s + "' is not a number", t);
    }
  }

  private static boolean isKeyword(String word) {
    return switch (word.toUpperCase(Locale.ROOT)) {
      case "AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE" -> true;
      default -> false;
    };
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind != Kind.END) {
      pos++;
    }
    return t;
  }

  private boolean accept(Kind kind) {
    if (peek().kind == kind) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(Kind kind, String expected) {
    Token t = next();
    if (t.kind != kind) {
      throw error("expected " + expected + " but found " + t.describe(), t);
    }
  }

  private Token tokenAt(int offset) {
    return tokens.stream().filter(t -> t.offset == offset).findFirst().orElse(new Token(Kind.END, "", offset));
  }

  private static FilterSyntaxException error(String reason, Token at) {
    return new FilterSyntaxException(reason, at.offset);
  }

  private static List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')' || c == ',') {
        out.add(new Token(c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : Kind.COMMA, String.valueOf(c), i));
        i++;
      } else if (c == '=' ) {
        out.add(new Token(Kind.OP, "=", i++));
      } else if (c == '<' || c == '>' || c == '!') {
        int start = i++;
        if (i < n && (s.charAt(i) == '=' || c == '<' && s.charAt(i) == '>')) {
          i++;
        } else if (c == '!') {
          throw new FilterSyntaxException("expected '=' after '!' (write != for not equal)", start);
        }
        out.add(new Token(Kind.OP, s.substring(start, i), start));
      } else if (c == '\'' || c == '"') {
        int start = i++;
        StringBuilder b = new StringBuilder();
        while (true) {
          if (i >= n) {
            throw new FilterSyntaxException("unterminated " + (c == '\'' ? "string" : "quoted column name")
                + "; expected a closing " + c, start);
          }
          char d = s.charAt(i++);
          if (d == c) {
            if (i < n && s.charAt(i) == c) {
              b.append(c);
              i++;
            } else {
              break;
            }
          } else {
            b.append(d);
          }
        }
        out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_NAME, b.toString(), start));
      } else if (Character.isDigit(c) || (c == '-' || c == '.') && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
        int start = i++;
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
            || (s.charAt(i) == '+' || s.charAt(i) == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E'))) {
          i++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), start));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i++;
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.WORD, s.substring(start, i), start));
      } else {
        throw new FilterSyntaxException("unexpected character '" + c + "'; expected a column, a literal, an operator"
            + " (= != < <= > >=), a parenthesis or a comma", i);
      }
    }
    out.add(new Token(Kind.END, "", n));
    return out;
  }
}
