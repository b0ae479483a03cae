package dev.failback.userscript;

import dev.failback.TableName;
import dev.failback.transform.TableWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The statements of {@code getTX().query/exec}: JDBC {@code ?} or PostgreSQL-style {@code $n} placeholders. */
final class Sql {
    private Sql() {
    }

    /** A statement rewritten to {@code ?} placeholders and the parameter index (0-based) of each. */
    record Rewritten(String sql, List<Integer> order) {
    }

    /**
     * Rewrites {@code $1..$n} outside quotes, identifiers, comments and dollar-quoted strings to {@code ?}.
     * A statement without {@code $n} is kept, its parameters bound in order.
     */
    static Rewritten rewrite(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<Integer> order = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if (c == '\'' && sql.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                out.append(sql, i, j);
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(sql, i, j);
                i = j;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                j = j < 0 ? n : j + 2;
                out.append(sql, i, j);
                i = j;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                order.add(Integer.parseInt(sql.substring(i + 1, j)) - 1);
                out.append('?');
                i = j;
            } else if (c == '$') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                    j++;
                }
                if (j < n && sql.charAt(j) == '$') {
                    String tag = sql.substring(i, j + 1);
                    int end = sql.indexOf(tag, j + 1);
                    end = end < 0 ? n : end + tag.length();
                    out.append(sql, i, end);
                    i = end;
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return order.isEmpty() ? new Rewritten(sql, null) : new Rewritten(out.toString(), order);
    }

    static String run(Connection conn, boolean query, String sql, List<?> params) throws SQLException {
        Rewritten r = rewrite(sql);
        boolean pg = conn.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (PreparedStatement ps = conn.prepareStatement(r.sql())) {
            int count = r.order() == null ? params.size() : r.order().size();
            for (int i = 0; i < count; i++) {
                int idx = r.order() == null ? i : r.order().get(i);
                if (idx < 0 || idx >= params.size()) {
                    throw new SQLException("placeholder $" + (idx + 1) + " has no parameter (" + params.size() + " given)");
                }
                bind(ps, i + 1, params.get(idx), pg);
            }
            if (!query) {
                ps.execute();
                return "";
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int cols = md.getColumnCount();
                return Json.write(g -> {
                    g.writeStartArray();
                    try {
                        while (rs.next()) {
                            g.writeStartArray();
                            for (int c = 1; c <= cols; c++) {
                                Json.value(g, value(rs.getObject(c)));
                            }
                            g.writeEndArray();
                        }
                    } catch (SQLException e) {
                        throw new java.io.IOException(e);
                    }
                    g.writeEndArray();
                });
            }
        }
    }

    private static void bind(PreparedStatement ps, int i, Object v, boolean pg) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
        } else if (v instanceof String s) {
            if (pg) {
                ps.setObject(i, s, Types.OTHER);   // untyped, as pgx sends text: PostgreSQL infers the type
            } else {
                ps.setString(i, s);
            }
        } else if (v instanceof BigDecimal d) {
            ps.setBigDecimal(i, d);
        } else if (v instanceof Boolean b) {
            ps.setBoolean(i, b);
        } else {
            StringBuilder json = new StringBuilder();
            json.append(Json.write(g -> Json.value(g, v)));
            ps.setString(i, json.toString());
        }
    }

    /** A result value as MOLT hands it to a script: numbers and bytes as strings, times in RFC 3339 UTC. */
    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Number n) {
            return n instanceof BigDecimal d ? d.toPlainString() : n.toString();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        }
        if (v instanceof byte[] b) {
            StringBuilder s = new StringBuilder("\\x");
            for (byte x : b) {
                s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
            }
            return s.toString();
        }
        if (v instanceof java.sql.Array a) {
            try {
                Object[] arr = (Object[]) a.getArray();
                List<Object> list = new ArrayList<>();
                for (Object o : arr) {
                    list.add(value(o));
                }
                return list;
            } catch (SQLException | ClassCastException e) {
                return v.toString();
            }
        }
        return v.toString();
    }

    static String quote(String name, String q) {
        return q + name.replace(q, q + q) + q;
    }

    /** The table's primary-key columns in key order, read from the JDBC catalog; empty when unknown. */
    static List<String> primaryKey(TableWriter writer) {
        TableName t = writer.table();
        try {
            DatabaseMetaData md = writer.connection().getMetaData();
            List<String> cols = pk(md, null, t.schema(), t.name());
            if (cols.isEmpty()) {
                cols = pk(md, t.schema(), null, t.name());
            }
            return cols;
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static List<String> pk(DatabaseMetaData md, String catalog, String schema, String table) throws SQLException {
        Map<Short, String> byPos = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                byPos.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(byPos.values());
    }
}
