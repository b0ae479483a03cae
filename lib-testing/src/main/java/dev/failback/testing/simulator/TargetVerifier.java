package dev.failback.testing.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Compares the tables of a PostgreSQL schema with a {@link SourceModel}. Each target row is read as
 * JSON ({@code SELECT to_jsonb(t) FROM schema.table t}) and matched to the model by primary key;
 * values are compared by meaning: numbers by {@link BigDecimal} value, timestamps by instant (or by
 * local date-time when they carry no zone), objects and arrays element by element, other strings
 * exactly. Stateless and thread-safe.
 */
public final class TargetVerifier {
    /** Differences described per table in a report: {@value}. */
    public static final int MAX_SAMPLES = 5;

    private static final JsonFactory JSON = new JsonFactory();
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private TargetVerifier() {
    }

    /**
     * The comparison of one table. Immutable.
     *
     * @param table      the table
     * @param sourceRows rows in the model
     * @param targetRows rows in the target
     * @param missing    model rows the target lacks
     * @param extra      target rows the model lacks
     * @param wrong      rows present in both with different values
     * @param samples    the first few differences, described
     */
    public record TableReport(String table, long sourceRows, long targetRows, long missing, long extra, long wrong,
            List<String> samples) {

        /** Copies the samples. */
        public TableReport {
            samples = List.copyOf(samples);
        }

        /**
         * Returns whether the table matches.
         *
         * @return true when nothing is missing, extra or wrong
         */
        public boolean matches() {
            return missing == 0 && extra == 0 && wrong == 0;
        }
    }

    /**
     * The comparison of a schema. Immutable.
     *
     * @param schema the target schema
     * @param tables one report per model table
     */
    public record Report(String schema, List<TableReport> tables) {

        /** Copies the tables. */
        public Report {
            tables = List.copyOf(tables);
        }

        /**
         * Returns whether every table matches.
         *
         * @return true when the target equals the model
         */
        public boolean matches() {
            return tables.stream().allMatch(TableReport::matches);
        }

        /** Returns one line per table, then the sample differences. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (TableReport t : tables) {
                b.append(String.format("%s.%s: source %d rows, target %d rows, missing %d, extra %d, wrong %d%n",
                        schema, t.table(), t.sourceRows(), t.targetRows(), t.missing(), t.extra(), t.wrong()));
                for (String s : t.samples()) {
                    b.append("  ").append(s).append(System.lineSeparator());
                }
            }
            return b.toString();
        }
    }

    /**
     * Compares a schema with a model.
     *
     * @param dataSource the target database
     * @param schema     the schema holding the model's tables
     * @param model      the expected contents
     * @return the report, never null
     * @throws SQLException when the target cannot be read
     */
    public static Report verify(DataSource dataSource, String schema, SourceModel model) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return verify(c, schema, model);
        }
    }

    /**
     * Compares a schema with a model, using a connection the caller owns.
     *
     * @param connection an open connection to the target
     * @param schema     the schema holding the model's tables
     * @param model      the expected contents
     * @return the report, never null
     * @throws SQLException when the target cannot be read
     */
    public static Report verify(Connection connection, String schema, SourceModel model) throws SQLException {
        Objects.requireNonNull(schema, "schema");
        List<TableReport> reports = new ArrayList<>();
        for (String table : model.tables()) {
            reports.add(verifyTable(connection, schema, table, model.rows(table)));
        }
        return new Report(schema, reports);
    }

    private static TableReport verifyTable(Connection c, String schema, String table,
            SortedMap<String, SortedMap<String, String>> source) throws SQLException {
        boolean mysql = isMySql(c);
        String q = c.getMetaData().getIdentifierQuoteString().trim();
        String qualified = quote(schema, q) + "." + quote(table, q);
        List<String> samples = new ArrayList<>();
        List<String> keyColumns = primaryKey(c, mysql, schema, table);
        if (keyColumns == null) {
            samples.add("table " + qualified + " does not exist");
            return new TableReport(table, source.size(), 0, source.size(), 0, 0, samples);
        }
        Map<String, String> sourceKeys = new HashMap<>();
        for (String key : source.keySet()) {
            sourceKeys.put(canonicalKey(parse(key)), key);
        }
        Map<String, Map<String, Object>> target = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + qualified)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), jdbcValue(rs, i, md.getColumnTypeName(i)));
                }
                List<Object> key = new ArrayList<>();
                for (String k : keyColumns) {
                    key.add(row.getOrDefault(k, NULL));
                }
                target.put(canonicalKey(key), row);
            }
        }
        long missing = 0;
        long wrong = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(sourceKeys).entrySet()) {
            String key = e.getValue();
            Map<String, Object> actual = target.get(e.getKey());
            if (actual == null) {
                missing++;
                sample(samples, "missing " + table + " " + key + ": " + CrdbJson.object(source.get(key)));
                continue;
            }
            String diff = difference(source.get(key), actual);
            if (diff != null) {
                wrong++;
                sample(samples, "wrong " + table + " " + key + ": " + diff);
            }
        }
        long extra = 0;
        for (Map.Entry<String, Map<String, Object>> e : target.entrySet()) {
            if (!sourceKeys.containsKey(e.getKey())) {
                extra++;
                sample(samples, "extra " + table + " " + e.getKey() + ": " + e.getValue());
            }
        }
        return new TableReport(table, source.size(), target.size(), missing, extra, wrong, samples);
    }

    private static String difference(SortedMap<String, String> expected, Map<String, Object> actual) {
        TreeSet<String> columns = new TreeSet<>(expected.keySet());
        columns.addAll(actual.keySet());
        StringBuilder b = new StringBuilder();
        for (String column : columns) {
            String want = expected.get(column);
            Object wantValue = want == null ? NULL : parse(want);
            Object got = actual.getOrDefault(column, NULL);
            if (!canonical(wantValue).equals(canonical(got))) {
                if (b.length() > 0) {
                    b.append(", ");
                }
                b.append(column).append(": source ").append(want == null ? "(absent)" : want)
                        .append(", target ").append(actual.containsKey(column) ? render(got) : "(absent)");
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static void sample(List<String> samples, String s) {
        if (samples.size() < MAX_SAMPLES) {
            samples.add(s.length() <= 400 ? s : s.substring(0, 397) + "...");
        }
    }

    private static boolean isMySql(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("mysql") || product.contains("mariadb");
    }

    /** The primary-key columns in key order, or null when the table does not exist. */
    private static List<String> primaryKey(Connection c, boolean mysql, String schema, String table)
            throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String catalog = mysql ? schema : null;
        String owner = mysql ? null : schema;
        try (ResultSet rs = md.getTables(catalog, owner, table, null)) {
            if (!rs.next()) {
                return null;
            }
        }
        TreeMap<Integer, String> columns = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, owner, table)) {
            while (rs.next()) {
                columns.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("table " + schema + "." + table + " has no primary key");
        }
        return new ArrayList<>(columns.values());
    }

    /** Reads a column as the same kinds of values JSON parsing gives, so they compare semantically. */
    private static Object jdbcValue(ResultSet rs, int i, String typeName) throws SQLException {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (type.equals("timestamp") || type.equals("datetime")) {
            LocalDateTime t = rs.getObject(i, LocalDateTime.class);
            return t == null ? NULL : t.toString();
        }
        if (type.equals("timestamptz")) {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            return t == null ? NULL : t.toString();
        }
        Object v = rs.getObject(i);
        if (v == null) {
            return NULL;
        }
        if (type.equals("json") || type.equals("jsonb")) {
            return parse(rs.getString(i));
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (v instanceof byte[] bytes) {
            StringBuilder b = new StringBuilder("\\x");
            for (byte x : bytes) {
                b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return b.toString();
        }
        if (v instanceof java.sql.Array a) {
            List<Object> out = new ArrayList<>();
            for (Object e : (Object[]) a.getArray()) {
                out.add(e == null ? NULL : e instanceof Number n ? new BigDecimal(n.toString()) : e.toString());
            }
            return out;
        }
        return rs.getString(i);
    }

    private static String quote(String identifier, String q) {
        return q + identifier.replace(q, q + q) + q;
    }

    // ---- semantic comparison ----

    private static String canonicalKey(Object key) {
        StringBuilder b = new StringBuilder();
        for (Object v : (List<?>) key) {
            b.append(canonical(v)).append('\u0001');
        }
        return b.toString();
    }

    /** A text equal for two values exactly when they mean the same. */
    static String canonical(Object v) {
        if (v == NULL || v == null) {
            return "null";
        }
        if (v instanceof BigDecimal n) {
            return "n:" + (n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString());
        }
        if (v instanceof Boolean bool) {
            return "b:" + bool;
        }
        if (v instanceof String s) {
            if (s.length() >= 16 && s.charAt(10) == 'T') {
                try {
                    // A zoned time compares equal to the same instant stored without a zone in UTC.
                    return "l:" + LocalDateTime.ofInstant(OffsetDateTime.parse(s).toInstant(), ZoneOffset.UTC);
                } catch (DateTimeParseException notZoned) {
                    try {
                        return "l:" + LocalDateTime.parse(s);
                    } catch (DateTimeParseException notTimestamp) {
                        // a plain string
                    }
                }
            }
            return "s:" + s;
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                b.append(e.getKey()).append('=').append(canonical(e.getValue())).append(';');
            }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object e : l) {
                b.append(canonical(e)).append(';');
            }
            return b.append(']').toString();
        }
        throw new IllegalArgumentException("unexpected JSON value " + v);
    }

    private static String render(Object v) {
        if (v instanceof String s) {
            return CrdbJson.string(s);
        }
        if (v instanceof BigDecimal n) {
            return n.toPlainString();
        }
        return String.valueOf(v);
    }

    /** Parses JSON text into maps, lists, strings, BigDecimals, Booleans and a null marker. */
    static Object parse(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new TreeMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }
}
