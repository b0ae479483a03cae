package dev.failback.dialect.oracle;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes rows with {@code MERGE} and deletes them by key, with one {@link OracleApplyTechnique}.
 * Stateless, thread-safe.
 */
final class Writer implements AbstractDialect.RowWriter {

    /** Rows per {@code executeBatch} for {@link OracleApplyTechnique#BATCH} (Oracle advises 50-100). */
    static final int BATCH_ROWS = 100;
    /** The most bind parameters one Oracle statement may carry. */
    static final int MAX_BINDS = 65_535;

    private final OracleApplyTechnique technique;
    private final int maxUnionRows;
    private final int maxDeleteKeys;

    Writer(OracleApplyTechnique technique, int maxUnionRows, int maxDeleteKeys) {
        if (maxUnionRows < 1) {
            throw new IllegalArgumentException("maxUnionRows must be >= 1, but was " + maxUnionRows);
        }
        this.technique = technique;
        this.maxUnionRows = maxUnionRows;
        this.maxDeleteKeys = maxDeleteKeys;
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        requireKey(table);
        Map<List<String>, List<Map<String, Json.Value>>> groups = new LinkedHashMap<>();
        for (Mutation m : rows) {
            Map<String, Json.Value> fields = Json.fields(m.after());
            groups.computeIfAbsent(List.copyOf(fields.keySet()), k -> new ArrayList<>()).add(fields);
        }
        Binder.Flavor flavor = Binder.Flavor.of(connection);
        for (Map.Entry<List<String>, List<Map<String, Json.Value>>> g : groups.entrySet()) {
            Shape shape = Shape.of(table, g.getKey());
            List<List<Json.Value>> values = new ArrayList<>(g.getValue().size());
            for (Map<String, Json.Value> fields : g.getValue()) {
                List<Json.Value> row = new ArrayList<>(shape.keys.size());
                for (String key : shape.keys) {
                    row.add(fields.get(key));
                }
                values.add(row);
            }
            if (technique == OracleApplyTechnique.BATCH) {
                batched(connection, flavor, mergeSql(table.name(), shape, 1), shape.types, values);
            } else {
                int max = Math.max(1, Math.min(maxUnionRows, MAX_BINDS / shape.types.size()));
                setWise(connection, flavor, n -> mergeSql(table.name(), shape, n), shape.types, values, max);
            }
        }
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        requireKey(table);
        List<ColumnInfo> keyColumns = new ArrayList<>();
        List<OracleType> types = new ArrayList<>();
        for (String pk : table.primaryKey()) {
            ColumnInfo c = table.column(pk);
            if (c == null) {
                throw new IllegalArgumentException("table " + table.name() + ": primary-key column \"" + pk
                        + "\" is not among its columns");
            }
            keyColumns.add(c);
            types.add(OracleType.parse(c.sqlType()));
        }
        List<List<Json.Value>> keys = new ArrayList<>(rows.size());
        for (Mutation m : rows) {
            List<Json.Value> key = Json.elements(m.key());
            if (key.size() != keyColumns.size()) {
                throw new IllegalArgumentException("table " + table.name() + ": key " + m.key() + " has "
                        + key.size() + " value(s) but the primary key " + table.primaryKey() + " has " + keyColumns.size());
            }
            if (storable(keyColumns, key)) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        Binder.Flavor flavor = Binder.Flavor.of(connection);
        if (technique == OracleApplyTechnique.BATCH) {
            batched(connection, flavor, deleteSql(table.name(), keyColumns, 0), types, keys);
        } else {
            // at most 1000 list elements (ORA-01795) and 65535 binds
            int max = Math.max(1, Math.min(Math.min(maxDeleteKeys, 1000), MAX_BINDS / keyColumns.size()));
            setWise(connection, flavor, n -> deleteSql(table.name(), keyColumns, n), types, keys, max);
        }
    }

    /**
     * Whether every value of a key could be stored in its column. A key the upsert would refuse (the
     * empty string, which Oracle stores as NULL; a number beyond {@code NUMBER(p,s)}) addresses no row, and
     * converting it for the delete would fail the whole statement.
     */
    private static boolean storable(List<ColumnInfo> keyColumns, List<Json.Value> key) {
        for (int i = 0; i < keyColumns.size(); i++) {
            if (RowChecker.problem(keyColumns.get(i), key.get(i)) != null) {
                return false;
            }
        }
        return true;
    }

    private static void batched(Connection connection, Binder.Flavor flavor, String sql, List<OracleType> types,
            List<List<Json.Value>> rows) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql); Binder binder = new Binder(connection, flavor)) {
            int pending = 0;
            for (List<Json.Value> row : rows) {
                for (int i = 0; i < types.size(); i++) {
                    binder.bind(ps, i + 1, types.get(i), row.get(i));
                }
                ps.addBatch();
                if (++pending == BATCH_ROWS) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private interface SqlOfSize {
        String sql(int rows);
    }

    private static void setWise(Connection connection, Binder.Flavor flavor, SqlOfSize sqlOfSize,
            List<OracleType> types, List<List<Json.Value>> rows, int maxRows) throws SQLException {
        Map<Integer, String> texts = new HashMap<>();
        int done = 0;
        while (done < rows.size()) {
            int n = bucket(rows.size() - done, maxRows);
            String sql = texts.computeIfAbsent(n, sqlOfSize::sql);
            try (PreparedStatement ps = connection.prepareStatement(sql); Binder binder = new Binder(connection, flavor)) {
                int p = 1;
                for (List<Json.Value> row : rows.subList(done, done + n)) {
                    for (int i = 0; i < types.size(); i++) {
                        binder.bind(ps, p++, types.get(i), row.get(i));
                    }
                }
                ps.executeUpdate();
            }
            done += n;
        }
    }

    /** The largest power of two not above {@code remaining} and {@code max}. */
    static int bucket(int remaining, int max) {
        return Integer.highestOneBit(Math.min(remaining, max));
    }

    /**
     * {@code MERGE INTO "S"."T" t USING (SELECT CAST(? AS type) "C1", ... FROM DUAL [UNION ALL ...]) s
     * ON (t."PK" = s."PK") WHEN MATCHED THEN UPDATE SET ... WHEN NOT MATCHED THEN INSERT ... VALUES ...}.
     */
    static String mergeSql(TableName table, Shape shape, int rows) {
        StringBuilder sql = new StringBuilder("MERGE INTO ").append(Sql.table(table)).append(" t USING (");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "SELECT " : " UNION ALL SELECT ");
            for (int i = 0; i < shape.columns.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(shape.types.get(i).bindExpression());
                if (r == 0) {
                    sql.append(' ').append(Sql.quote(shape.columns.get(i).name()));
                }
            }
            sql.append(" FROM DUAL");
        }
        sql.append(") s ON (");
        StringBuilder set = new StringBuilder();
        StringBuilder insert = new StringBuilder();
        StringBuilder values = new StringBuilder();
        boolean firstKey = true;
        for (ColumnInfo c : shape.columns) {
            String q = Sql.quote(c.name());
            if (shape.keyNames.contains(c.name())) {
                sql.append(firstKey ? "" : " AND ").append("t.").append(q).append(" = s.").append(q);
                firstKey = false;
            } else {
                set.append(set.length() == 0 ? "" : ", ").append("t.").append(q).append(" = s.").append(q);
            }
            insert.append(insert.length() == 0 ? "" : ", ").append(q);
            values.append(values.length() == 0 ? "" : ", ").append("s.").append(q);
        }
        sql.append(')');
        if (set.length() > 0) {
            sql.append(" WHEN MATCHED THEN UPDATE SET ").append(set);
        }
        return sql.append(" WHEN NOT MATCHED THEN INSERT (").append(insert).append(") VALUES (").append(values)
                .append(')').toString();
    }

    /**
     * {@code DELETE FROM "S"."T" WHERE "A" = CAST(? AS type) AND ...} for {@code keys == 0}, else
     * {@code DELETE FROM "S"."T" WHERE ("A","B") IN ((CAST(? AS type), ...), ...)} ({@code "A" IN (...)} for
     * one column). Each key value goes through its column's {@link OracleType#bindExpression()}, the
     * conversion the {@code MERGE} applies to the same value, so a key the column rounds (a {@code NUMBER(p,s)},
     * a {@code TIMESTAMP(s)}) addresses the row its upsert wrote.
     */
    static String deleteSql(TableName table, List<ColumnInfo> keyColumns, int keys) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(Sql.table(table)).append(" WHERE ");
        if (keys == 0) {
            for (int i = 0; i < keyColumns.size(); i++) {
                sql.append(i == 0 ? "" : " AND ").append(Sql.quote(keyColumns.get(i).name())).append(" = ")
                        .append(bindExpression(keyColumns.get(i)));
            }
            return sql.toString();
        }
        boolean single = keyColumns.size() == 1;
        StringBuilder tuple = new StringBuilder(single ? "" : "(");
        if (!single) {
            sql.append('(');
        }
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Sql.quote(keyColumns.get(i).name()));
            tuple.append(i == 0 ? "" : ", ").append(bindExpression(keyColumns.get(i)));
        }
        if (!single) {
            sql.append(')');
            tuple.append(')');
        }
        sql.append(" IN (");
        for (int k = 0; k < keys; k++) {
            sql.append(k == 0 ? "" : ", ").append(tuple);
        }
        return sql.append(')').toString();
    }

    private static String bindExpression(ColumnInfo column) {
        return OracleType.parse(column.sqlType()).bindExpression();
    }

    private static void requireKey(TableInfo table) {
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + table.name() + " has no primary key; Failback cannot apply changes to it");
        }
    }

    /** The columns one group of rows writes: its JSON keys matched to columns, generated columns dropped. */
    static final class Shape {
        final List<String> keys = new ArrayList<>();
        final List<ColumnInfo> columns = new ArrayList<>();
        final List<OracleType> types = new ArrayList<>();
        final Set<String> keyNames;

        private Shape(TableInfo table) {
            keyNames = Set.copyOf(table.primaryKey());
        }

        static Shape of(TableInfo table, List<String> jsonKeys) {
            dev.failback.dialect.internal.Shape common = dev.failback.dialect.internal.Shape.of(table, jsonKeys);
            Shape shape = new Shape(table);
            shape.keys.addAll(common.keys());
            shape.columns.addAll(common.columns());
            for (ColumnInfo column : common.columns()) {
                shape.types.add(OracleType.parse(column.sqlType()));
            }
            return shape;
        }
    }
}
