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

  record And(Condition left, Condition right) implements Condition {
    @Override
    public int eval(Object[] row) {
      int l = left.eval(row);
      if (l == FALSE) {
        return FALSE;
      }
      int r = right.eval(row);
      if (r == FALSE) {
        return FALSE;
      }
      return l == TRUE && r == TRUE ? TRUE : UNKNOWN;
    }
  }

  record Or(Condition left, Condition right) implements Condition {
    @Override
    public int eval(Object[] row) {
      int l = left.eval(row);
      if (l == TRUE) {
        return TRUE;
      }
      int r = right.eval(row);
      if (r == TRUE) {
        return TRUE;
      }
      return l == FALSE && r == FALSE ? FALSE : UNKNOWN;
    }
  }
}
