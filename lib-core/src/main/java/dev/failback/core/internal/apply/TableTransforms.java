package dev.failback.core.internal.apply;

import dev.failback.ApplyException;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.RowJson;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TableInfo;
import dev.failback.transform.RowMeta;
import dev.failback.transform.RowOp;
import dev.failback.transform.TableTransform;
import dev.failback.transform.TableWriter;
import dev.failback.transform.Transforms;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The {@link TableTransform}s of a pipeline at apply: each table's upserts and deletes mapped before they
 * are written, and written by the transform's {@code onWrite} when it has one. A transform that throws or
 * returns what cannot be written stops the window ({@link ErrorKind#BAD_DATA}) naming the table, key and
 * source timestamp. Thread-safe.
 */
final class TableTransforms {
    private final Transforms transforms;
    private final UnaryOperator<String> groupOf;
    /** Per transform class: whether it replaces the default write. */
    private final Map<Class<?>, Boolean> writes = new ConcurrentHashMap<>();

    /**
     * @param transforms the pipeline's transforms
     * @param groupOf    the name of the group (MOLT's schema name) of a target schema as the target spells it
     */
    TableTransforms(Transforms transforms, UnaryOperator<String> groupOf) {
        this.transforms = transforms;
        this.groupOf = groupOf;
    }

    /** A table's transform, with the schema name transforms know it by; null when rows pass as sent. */
    Bound of(TableInfo table) {
        if (transforms == Transforms.NONE) {
            return null;
        }
        String group = groupOf.apply(table.name().schema());
        TableTransform t = transforms.table(group, table.name());
        return t == null ? null : new Bound(t, group, table, writes.computeIfAbsent(t.getClass(), TableTransforms::writes));
    }

    private static boolean writes(Class<?> type) {
        try {
            return type.getMethod("onWrite", List.class, TableWriter.class).getDeclaringClass() != TableTransform.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * A table's transform.
     *
     * @param transform the transform
     * @param group     the schema's name as transforms know it
     * @param table     the table
     * @param writes    whether it replaces the default write ({@link TableTransform#onWrite})
     */
    record Bound(TableTransform transform, String group, TableInfo table, boolean writes) {

        /** The upserts as the transform maps them; a skipped row is left out. */
        List<Mutation> upserts(List<Mutation> rows) {
            List<Mutation> out = new ArrayList<>(rows.size());
            for (Mutation m : rows) {
                Map<String, Object> row;
                try {
                    row = transform.onRowUpsert(RowJson.object(m.after()), meta(m));
                    if (row != null) {
                        out.add(new Mutation(m.table(), RowJson.writeKey(RowJson.key(row, table), table), m.updated(),
                                RowJson.write(row, table), m.before()));
                    }
                } catch (Exception e) {
                    throw failed("onRowUpsert", m, e);
                }
            }
            return out;
        }

        /** The deletes as the transform maps their keys; a skipped delete is left out. */
        List<Mutation> deletes(List<Mutation> rows) {
            List<Mutation> out = new ArrayList<>(rows.size());
            for (Mutation m : rows) {
                try {
                    List<Object> key = transform.onRowDelete(RowJson.array(m.key()), meta(m));
                    if (key != null) {
                        if (key.size() != table.primaryKey().size()) {
                            throw new IllegalArgumentException("returned " + key.size() + " key values for the "
                                    + table.primaryKey().size() + " primary-key columns " + table.primaryKey());
                        }
                        out.add(new Mutation(m.table(), RowJson.writeKey(key, table), m.updated(), null, m.before()));
                    }
                } catch (Exception e) {
                    throw failed("onRowDelete", m, e);
                }
            }
            return out;
        }

        /** Hands the table's rows (deletes, then upserts) to the transform's {@code onWrite}. */
        void write(Connection c, Dialect dialect, List<Mutation> deletes, List<Mutation> upserts) throws SQLException {
            List<RowOp> ops = new ArrayList<>(deletes.size() + upserts.size());
            for (Mutation m : deletes) {
                ops.add(RowOp.delete(RowJson.array(m.key()), meta(m)));
            }
            for (Mutation m : upserts) {
                ops.add(new RowOp(false, RowJson.object(m.after()), RowJson.array(m.key()), meta(m)));
            }
            Mutation first = !deletes.isEmpty() ? deletes.get(0) : upserts.get(0);
            try {
                transform.onWrite(ops, new Writer(c, dialect, first));
            } catch (SQLException e) {
                throw e;
            } catch (ApplyException e) {
                throw e;
            } catch (Exception e) {
                // a statement the target refused inside onWrite (a deadlock, a lost connection, a constraint),
                // wrapped by a script engine: the target's error decides, as for Failback's own writes
                for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                    if (t instanceof SQLException sql) {
                        throw sql;
                    }
                }
                throw failed("onWrite", first, e);
            }
        }

        private RowMeta meta(Mutation m) {
            return new RowMeta(group, table.name().name(), m.updated(), RowJson.object(m.before()));
        }

        private ApplyException failed(String function, Mutation m, Exception e) {
            String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : e.getMessage();
            return new ApplyException("transform " + function + " of table " + table.name() + " failed for key "
                    + m.key() + " at " + m.updated() + ": " + message, e, ErrorKind.BAD_DATA);
        }

        /** The apply transaction as {@code onWrite} sees it. */
        private final class Writer implements TableWriter {
            private final Connection connection;
            private final Dialect dialect;
            private final Mutation first;

            Writer(Connection connection, Dialect dialect, Mutation first) {
                this.connection = connection;
                this.dialect = dialect;
                this.first = first;
            }

            @Override
            public void write(List<RowOp> ops) throws SQLException {
                List<Mutation> deletes = new ArrayList<>();
                List<Mutation> upserts = new ArrayList<>();
                for (RowOp op : ops) {
                    TableName name = table.name();
                    if (op.delete()) {
                        deletes.add(new Mutation(name, RowJson.writeKey(op.key(), table), op.meta().updated(), null,
                                null));
                    } else {
                        String key;
                        try {
                            key = RowJson.writeKey(RowJson.key(op.data(), table), table);
                        } catch (IllegalArgumentException e) {
                            throw failed("onWrite", first, e);
                        }
                        upserts.add(new Mutation(name, key, op.meta().updated(), RowJson.write(op.data(), table), null));
                    }
                }
                if (!deletes.isEmpty()) {
                    dialect.delete(connection, table, deletes);
                }
                if (!upserts.isEmpty()) {
                    dialect.upsert(connection, table, upserts);
                }
            }

            @Override
            public Connection connection() {
                return connection;
            }

            @Override
            public TableName table() {
                return table.name();
            }

            @Override
            public List<ColumnInfo> columns() {
                List<ColumnInfo> columns = new ArrayList<>(table.columns().size());
                for (String k : table.primaryKey()) {
                    columns.add(table.column(k));
                }
                for (ColumnInfo c : table.columns()) {
                    if (!table.primaryKey().contains(c.name())) {
                        columns.add(c);
                    }
                }
                return columns;
            }
        }
    }
}
