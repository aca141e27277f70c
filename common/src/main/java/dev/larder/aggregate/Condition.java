package dev.larder.aggregate;

import java.util.Comparator;
import java.util.List;

/**
 * A node of a compiled filter, evaluated with SQL three-valued logic: {@link #TRUE}, {@link #FALSE} or
 * {@link #UNKNOWN} (a comparison that involved a null).
 */
sealed interface Condition {
  int FALSE = 0;
  int TRUE = 1;
  int UNKNOWN = 2;

  Condition TRUE_CONSTANT = new Constant(TRUE);

  int eval(Object[] row);

  /** Reads a value from a row: a column by index or a literal. */
  sealed interface Operand {
    Object value(Object[] row);
  }

  record ColumnOperand(int index) implements Operand {
    @Override
    public Object value(Object[] row) {
      return row[index];
    }
  }

  record Literal(Object constant) implements Operand {
    @Override
    public Object value(Object[] row) {
      return constant;
    }
  }

  record Constant(int result) implements Condition {
    @Override
    public int eval(Object[] row) {
      return result;
    }
  }

  /** A boolean column (or literal) used as a predicate by itself. */
  record Truth(Operand operand) implements Condition {
    @Override
    public int eval(Object[] row) {
      Object v = operand.value(row);
      return v == null ? UNKNOWN : ((Boolean) v) ? TRUE : FALSE;
    }
  }

  enum Op {
    EQ, NE, LT, LE, GT, GE;

    boolean holds(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  record Compare(Operand left, Op op, Operand right, Comparator<Object> order) implements Condition {
    @Override
    public int eval(Object[] row) {
      Object l = left.value(row);
      Object r = right.value(row);
      if (l == null || r == null) {
        return UNKNOWN;
      }
      return op.holds(order.compare(l, r)) ? TRUE : FALSE;
    }
  }

  /** {@code x IN (a, b, ...)}; the list holds non-null literals, so a null x is the only unknown. */
  record In(Operand left, List<Object> candidates, Comparator<Object> order) implements Condition {
    @Override
    public int eval(Object[] row) {
      Object l = left.value(row);
      if (l == null) {
        return UNKNOWN;
      }
      for (Object c : candidates) {
        if (order.compare(l, c) == 0) {
          return TRUE;
        }
      }
      return FALSE;
    }
  }

  record IsNull(Operand operand) implements Condition {
    @Override
    public int eval(Object[] row) {
      return operand.value(row) == null ? TRUE : FALSE;
    }
  }

  record Not(Condition inner) implements Condition {
    @Override
    public int eval(Object[] row) {
      int v = inner.eval(row);
      return v == UNKNOWN ? UNKNOWN : 1 - v;
    }
  }

  /**
   * A chain {@code a AND b AND c ...} held flat and evaluated in a loop, so that a long chain costs no stack
   * depth (a 20,000-term chain as a binary tree overflowed the stack at evaluation).
   */
  record And(List<Condition> terms) implements Condition {
    public And {
      terms = List.copyOf(terms);
    }

    @Override
    public int eval(Object[] row) {
      int result = TRUE;
      for (Condition c : terms) {
        int v = c.eval(row);
        if (v == FALSE) {
          return FALSE;
        }
        if (v == UNKNOWN) {
          result = UNKNOWN;
        }
      }
      return result;
    }
  }

  /** A chain {@code a OR b OR c ...}, flat like {@link And}. */
  record Or(List<Condition> terms) implements Condition {
    public Or {
      terms = List.copyOf(terms);
    }

    @Override
    public int eval(Object[] row) {
      int result = FALSE;
      for (Condition c : terms) {
        int v = c.eval(row);
        if (v == TRUE) {
          return TRUE;
        }
        if (v == UNKNOWN) {
          result = UNKNOWN;
        }
      }
      return result;
    }
  }
}
