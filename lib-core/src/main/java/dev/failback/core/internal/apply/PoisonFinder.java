package dev.failback.core.internal.apply;

import dev.failback.Mutation;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the poison rows of a window the target refuses: replays it one source transaction at a time,
 * and a refused one row by row, in a target transaction that is always rolled back. Stateless.
 */
public final class PoisonFinder {

    private PoisonFinder() {
    }

    /**
     * A mutation the target rejected on its own: a poison row.
     *
     * @param mutation the rejected mutation
     * @param error    the target's error
     * @param kind     its classification
     * @param alone    whether the mutation is rejected on its own (false: only with the rest of its source transaction)
     */
    public record Poison(Mutation mutation, SQLException error, ErrorKind kind, boolean alone) {
        /** A stable, operator-facing description: table, key, column/constraint when known, SQLState, timestamp. */
        public String describe() {
            StringBuilder b = new StringBuilder("poison row: ").append(mutation.isDelete() ? "delete from " : "upsert into ")
                    .append(mutation.table()).append(" key ").append(mutation.key()).append(" at ")
                    .append(mutation.updated()).append(" rejected by the target");
            String column = serverDetail(error, "getColumn");
            if (column != null) {
                b.append(", column ").append(column);
            }
            String constraint = serverDetail(error, "getConstraint");
            if (constraint != null) {
                b.append(", constraint ").append(constraint);
            }
            b.append(" [SQLState ").append(error.getSQLState()).append(", error ").append(error.getErrorCode())
                    .append(", ").append(kind.label()).append("]: ")
                    .append(rootMessage(error));
            return b.toString();
        }

        private static String rootMessage(SQLException e) {
            Throwable t = e;
            while (t.getCause() instanceof SQLException next) {
                t = next;
            }
            String m = String.valueOf(t.getMessage());
            int nl = m.indexOf('\n');
            return nl < 0 ? m : m.substring(0, nl);
        }

        /** PostgreSQL's ServerErrorMessage details, by reflection (no driver dependency); null elsewhere. */
        private static String serverDetail(SQLException e, String getter) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                try {
                    Object sem = t.getClass().getMethod("getServerErrorMessage").invoke(t);
                    if (sem != null) {
                        Object v = sem.getClass().getMethod(getter).invoke(sem);
                        return v == null ? null : v.toString();
                    }
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // not a PSQLException
                }
            }
            return null;
        }
    }

    /**
     * Finds the mutations of a window that the target rejects on their own, by replaying it one source
     * transaction at a time (as {@link WindowApplier} does) in a target transaction that is always
     * rolled back; within a rejected source transaction each mutation is tried under its own savepoint
     * (twice, so that a child tried before its parent gets a second chance). Nothing is committed.
     *
     * @param schema the target schema snapshot
     * @param window the mutations, in (updated, table, key) order
     * @param all    whether to go on after the first rejected source transaction (its poison rows left out)
     * @return the poison rows found, in timestamp order; empty when the window applies stepwise
     * @throws SQLException  on a failure outside the replay (connection lost)
     * @throws ApplyException when a table disappeared
     */
    static List<Poison> find(WindowApplier applier, TargetSchema schema, List<Mutation> window, boolean all)
            throws SQLException {
        Dialect dialect = applier.dialect();
        List<Poison> found = new ArrayList<>();
        try (Connection c = applier.target().getConnection()) {
            applier.prepare(c);
            try {
                int from = 0;
                while (from < window.size()) {
                    int to = WindowApplier.stepEnd(window, from);
                    List<Mutation> step = new ArrayList<>(WindowApplier.fold(window.subList(from, to)).values());
                    from = to;
                    Savepoint sp = c.setSavepoint();
                    SQLException stepError;
                    try {
                        applier.applyOrdered(c, schema, step, true);
                        continue;
                    } catch (SQLException e) {
                        stepError = e;
                        c.rollback(sp);
                    }
                    if (dialect.classify(stepError) == ErrorKind.CONSTRAINT) {
                        try {
                            applier.applyOrdered(c, schema, step, false);
                            continue;
                        } catch (SQLException e) {
                            stepError = e;
                            c.rollback(sp);
                        }
                    }
                    if (dialect.classify(stepError) == ErrorKind.TRANSIENT) {
                        throw stepError;
                    }
                    List<Mutation> pending = step;
                    List<Poison> rejected = new ArrayList<>();
                    for (int pass = 0; pass < 2 && !pending.isEmpty(); pass++) {
                        List<Mutation> failed = new ArrayList<>();
                        rejected.clear();
                        for (Mutation m : pending) {
                            Savepoint one = c.setSavepoint();
                            try {
                                applier.applyOrdered(c, schema, List.of(m), true);
                            } catch (SQLException e) {
                                c.rollback(one);
                                if (dialect.classify(e) == ErrorKind.TRANSIENT) {
                                    throw e;
                                }
                                failed.add(m);
                                rejected.add(new Poison(m, e, dialect.classify(e), true));
                            }
                        }
                        pending = failed;
                    }
                    if (rejected.isEmpty()) {
                        // Rejected together but not one by one: name the source transaction's first mutation.
                        rejected.add(new Poison(step.get(0), stepError, dialect.classify(stepError), false));
                    }
                    found.addAll(rejected);
                    if (!all) {
                        break;
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return found;
    }
}
