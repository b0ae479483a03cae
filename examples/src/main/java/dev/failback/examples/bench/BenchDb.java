package dev.failback.examples.bench;

import static dev.failback.examples.bench.BenchWorkload.CHILD;
import static dev.failback.examples.bench.BenchWorkload.PARENT;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.examples.bench.BenchWorkload.Mutations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * One target database kind for the benchmark: how to reach it, the schema, the checksum, and the
 * direct-write "limit" techniques (no HTTP, no staging).
 */
abstract class BenchDb {
    /** Mutations per transaction of the limit's upsert techniques. */
    static final int LIMIT_TXN = 10_000;

    /** A limit technique's outcome. */
    record Limit(String name, boolean wholeStream, long rows, long nanos, String note) {
    }

    abstract String kind();

    /** The product and version, for the header. */
    abstract String version() throws SQLException;

    abstract Connection connect(String schema) throws SQLException;

    abstract HikariDataSource pool(String schema, int size, String name);

    abstract void create(String schema, boolean foreignKeys) throws SQLException;

    abstract void drop(String schema) throws SQLException;

    /** The webhook path that names this schema. */
    abstract String path(String schema);

    /** Count and order-independent hash of each table. */
    abstract String checksum(Connection c, String schema) throws SQLException;

    /** The direct-write techniques, in the order printed. */
    abstract List<String> limitTechniques();

    /** Runs one technique into a freshly created schema; returns null when it does not apply here. */
    abstract Limit limit(String technique, String schema, Mutations stream, Mutations finalRows) throws SQLException;

    /** Connection settings for Debezium's sink on this schema. */
    abstract Map<String, String> debeziumConnection(String schema);

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Folds a slice of the stream to the last state of each key, per table. */
    static List<Map<Long, Integer>> fold(Mutations m, int from, int to) {
        List<Map<Long, Integer>> last = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (int i = from; i < to; i++) {
            last.get(m.table[i]).put(m.id[i], i);
        }
        return last;
    }

    /** Writes the rows of table {@code t} (an index into {@link BenchWorkload#TABLES}) into {@code table}. */
    interface Load {
        void load(Connection c, String table, Mutations rows, int t) throws SQLException;
    }

    /** Writes the folded last states of one table's keys in a slice of the stream. */
    interface FoldedWrite {
        void write(Connection c, String schema, Mutations m, Map<Long, Integer> last, int t) throws SQLException;
    }

    /** Loads the final rows, parents before children, in one transaction. */
    static void loadFinal(Connection c, String s, Mutations finalRows, Load load) throws SQLException {
        load.load(c, s + ".parent", finalRows, PARENT);
        load.load(c, s + ".child", finalRows, CHILD);
        c.commit();
    }

    /**
     * Applies the stream {@link #LIMIT_TXN} mutations a transaction, each slice folded to the last state per key:
     * upserts parents before children, deletes children before parents.
     */
    static void applyFolded(Connection c, String s, Mutations stream, FoldedWrite upsert, FoldedWrite delete)
            throws SQLException {
        for (int from = 0; from < stream.size; from += LIMIT_TXN) {
            List<Map<Long, Integer>> last = fold(stream, from, Math.min(stream.size, from + LIMIT_TXN));
            upsert.write(c, s, stream, last.get(PARENT), PARENT);
            upsert.write(c, s, stream, last.get(CHILD), CHILD);
            delete.write(c, s, stream, last.get(CHILD), CHILD);
            delete.write(c, s, stream, last.get(PARENT), PARENT);
            c.commit();
        }
    }

    /** The positions of the last states that are rows (not deletes), in key order of first appearance. */
    static List<Integer> upserted(Mutations m, Map<Long, Integer> last) {
        List<Integer> rows = new ArrayList<>(last.size());
        for (int i : last.values()) {
            if (!m.isDelete(i)) {
                rows.add(i);
            }
        }
        return rows;
    }

    /** The keys whose last state is a delete. */
    static List<Long> deleted(Mutations m, Map<Long, Integer> last) {
        List<Long> ids = new ArrayList<>();
        for (int i : last.values()) {
            if (m.isDelete(i)) {
                ids.add(m.id[i]);
            }
        }
        return ids;
    }

    /** A pool of {@code size} connections to {@code url}, named {@code name}. */
    static HikariConfig poolConfig(String url, int size, String name) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setMaximumPoolSize(size);
        cfg.setPoolName(name);
        return cfg;
    }

    // ====================================================================================
    static final class Postgres extends BenchDb {
        private final String url;
        private final String database;

        Postgres(String baseUrl, String database) {
            this.database = database;
            this.url = baseUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        }

        /** Creates the benchmark's own database when missing (so other schemas never get in the way). */
        static Postgres open(String baseUrl, String database) throws SQLException {
            try (Connection c = DriverManager.getConnection(baseUrl)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            exec(c, "CREATE DATABASE " + database);
                        }
                    }
                }
            }
            return new Postgres(baseUrl, database);
        }

        @Override
        String kind() {
            return "postgresql";
        }

        @Override
        String version() throws SQLException {
            try (Connection c = DriverManager.getConnection(url)) {
                return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
            }
        }

        @Override
        Connection connect(String schema) throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        HikariDataSource pool(String schema, int size, String name) {
            return new HikariDataSource(poolConfig(url, size, name));
        }

        @Override
        void create(String s, boolean fks) throws SQLException {
            try (Connection c = DriverManager.getConnection(url)) {
                exec(c, "DROP SCHEMA IF EXISTS " + s + " CASCADE");
                exec(c, "DROP SCHEMA IF EXISTS " + s + "_staging CASCADE");
                exec(c, "CREATE SCHEMA " + s);
                exec(c, "CREATE TABLE " + s + ".parent (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,"
                        + " status TEXT NOT NULL, balance NUMERIC(12,2) NOT NULL, updated_at TIMESTAMPTZ NOT NULL, note TEXT)");
                exec(c, "CREATE TABLE " + s + ".child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL"
                        + (fks ? " REFERENCES " + s + ".parent (id)" : "") + ", sku TEXT NOT NULL, qty INTEGER NOT NULL,"
                        + " price NUMERIC(10,2) NOT NULL, created_at TIMESTAMPTZ NOT NULL, note TEXT)");
                exec(c, "CREATE INDEX ON " + s + ".child (parent_id)");
            }
        }

        @Override
        void drop(String s) throws SQLException {
            try (Connection c = DriverManager.getConnection(url)) {
                exec(c, "DROP SCHEMA IF EXISTS " + s + " CASCADE");
                exec(c, "DROP SCHEMA IF EXISTS " + s + "_staging CASCADE");
            }
        }

        @Override
        String path(String schema) {
            return "/" + database + "/" + schema;
        }

        @Override
        String checksum(Connection c, String s) throws SQLException {
            return one(c, "SELECT concat_ws(' ', 'parent', count(*), coalesce(sum(hashtextextended(concat_ws('|', id, name,"
                    + " email, status, balance, extract(epoch FROM updated_at), note), 0)), 0)) FROM " + s + ".parent")
                    + " " + one(c, "SELECT concat_ws(' ', 'child', count(*), coalesce(sum(hashtextextended(concat_ws('|', id,"
                    + " parent_id, sku, qty, price, extract(epoch FROM created_at), note), 0)), 0)) FROM " + s + ".child");
        }

        @Override
        List<String> limitTechniques() {
            return List.of("copy (final rows)", "upsert unnest+delete", "copy+upsert+delete");
        }

        @Override
        Limit limit(String technique, String s, Mutations stream, Mutations finalRows) throws SQLException {
            try (Connection c = DriverManager.getConnection(url)) {
                c.setAutoCommit(false);
                long start = System.nanoTime();
                switch (technique) {
                    case "copy (final rows)" -> {
                        loadFinal(c, s, finalRows, Postgres::copy);
                        return new Limit(technique, false, finalRows.size, System.nanoTime() - start,
                                "COPY text format of the final rows, one transaction; insert-only ceiling");
                    }
                    case "upsert unnest+delete" -> {
                        applyFolded(c, s, stream, Postgres::unnestUpsert, Postgres::delete);
                        return new Limit(technique, true, stream.size, System.nanoTime() - start,
                                "INSERT..SELECT unnest(arrays) ON CONFLICT DO UPDATE + DELETE ..= ANY(array), "
                                        + LIMIT_TXN + " mutations/txn");
                    }
                    case "copy+upsert+delete" -> {
                        exec(c, "CREATE TEMP TABLE bench_parent (LIKE " + s + ".parent) ON COMMIT DELETE ROWS");
                        exec(c, "CREATE TEMP TABLE bench_child (LIKE " + s + ".child) ON COMMIT DELETE ROWS");
                        c.commit();
                        start = System.nanoTime();
                        applyFolded(c, s, stream, Postgres::copyUpsert, Postgres::delete);
                        return new Limit(technique, true, stream.size, System.nanoTime() - start,
                                "COPY into a temp table, INSERT..SELECT ON CONFLICT DO UPDATE, DELETE ..= ANY(array), "
                                        + LIMIT_TXN + " mutations/txn");
                    }
                    default -> {
                        return null;
                    }
                }
            }
        }

        private static void copy(Connection c, String table, Mutations rows, int t) throws SQLException {
            StringBuilder sb = new StringBuilder(rows.size * 200);
            for (int i = 0; i < rows.size; i++) {
                if (rows.table[i] == t) {
                    copyLine(sb, rows, i);
                }
            }
            copyIn(c, "COPY " + table + " FROM STDIN", sb);
        }

        private static void copyIn(Connection c, String sql, StringBuilder data) throws SQLException {
            try {
                new CopyManager(c.unwrap(BaseConnection.class)).copyIn(sql,
                        new ByteArrayInputStream(data.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new SQLException(e);
            }
        }

        private static void copyLine(StringBuilder sb, Mutations m, int i) {
            long id = m.id[i];
            int v = m.version[i];
            if (m.table[i] == PARENT) {
                sb.append(id).append('\t').append(BenchWorkload.name(id, v)).append('\t').append(BenchWorkload.email(id))
                        .append('\t').append(BenchWorkload.status(id, v)).append('\t')
                        .append(BenchWorkload.balance(id, v).toPlainString()).append('\t')
                        .append(BenchWorkload.time(PARENT, id, v)).append('\t').append(BenchWorkload.note(PARENT, id, v));
            } else {
                sb.append(id).append('\t').append(m.parentId[i]).append('\t').append(BenchWorkload.sku(id, v))
                        .append('\t').append(BenchWorkload.qty(id, v)).append('\t')
                        .append(BenchWorkload.price(id, v).toPlainString()).append('\t')
                        .append(BenchWorkload.time(CHILD, id, v)).append('\t').append(BenchWorkload.note(CHILD, id, v));
            }
            sb.append('\n');
        }

        private static String conflict(String[] cols) {
            StringBuilder sb = new StringBuilder(" ON CONFLICT (id) DO UPDATE SET ");
            for (int i = 1; i < cols.length; i++) {
                sb.append(i > 1 ? ", " : "").append(cols[i]).append(" = EXCLUDED.").append(cols[i]);
            }
            return sb.toString();
        }

        private static void copyUpsert(Connection c, String s, Mutations m, Map<Long, Integer> last, int t)
                throws SQLException {
            List<Integer> rows = upserted(m, last);
            if (rows.isEmpty()) {
                return;
            }
            String table = BenchWorkload.TABLES[t];
            StringBuilder sb = new StringBuilder(last.size() * 200);
            for (int i : rows) {
                copyLine(sb, m, i);
            }
            copyIn(c, "COPY bench_" + table + " FROM STDIN", sb);
            exec(c, "INSERT INTO " + s + "." + table + " SELECT * FROM bench_" + table
                    + conflict(BenchWorkload.COLUMNS[t]));
            exec(c, "TRUNCATE bench_" + table);
        }

        private static void unnestUpsert(Connection c, String s, Mutations m, Map<Long, Integer> last, int t)
                throws SQLException {
            List<Integer> rows = upserted(m, last);
            if (rows.isEmpty()) {
                return;
            }
            int n = rows.size();
            Long[] id = new Long[n];
            String[][] cols = new String[6][n];
            for (int k = 0; k < n; k++) {
                int i = rows.get(k);
                long key = m.id[i];
                int v = m.version[i];
                id[k] = key;
                if (t == PARENT) {
                    cols[0][k] = BenchWorkload.name(key, v);
                    cols[1][k] = BenchWorkload.email(key);
                    cols[2][k] = BenchWorkload.status(key, v);
                    cols[3][k] = BenchWorkload.balance(key, v).toPlainString();
                    cols[4][k] = BenchWorkload.time(PARENT, key, v).toString();
                    cols[5][k] = BenchWorkload.note(PARENT, key, v);
                } else {
                    cols[0][k] = Long.toString(m.parentId[i]);
                    cols[1][k] = BenchWorkload.sku(key, v);
                    cols[2][k] = Integer.toString(BenchWorkload.qty(key, v));
                    cols[3][k] = BenchWorkload.price(key, v).toPlainString();
                    cols[4][k] = BenchWorkload.time(CHILD, key, v).toString();
                    cols[5][k] = BenchWorkload.note(CHILD, key, v);
                }
            }
            String sql = t == PARENT
                    ? "INSERT INTO " + s + ".parent SELECT u.a, u.b, u.c, u.d, u.e::numeric, u.f::timestamptz, u.g FROM"
                            + " unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                            + " AS u(a, b, c, d, e, f, g)" + conflict(BenchWorkload.COLUMNS[PARENT])
                    : "INSERT INTO " + s + ".child SELECT u.a, u.b::int8, u.c, u.d::int4, u.e::numeric, u.f::timestamptz, u.g"
                            + " FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
                            + " AS u(a, b, c, d, e, f, g)" + conflict(BenchWorkload.COLUMNS[CHILD]);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("int8", id));
                for (int k = 0; k < 6; k++) {
                    ps.setArray(k + 2, c.createArrayOf("text", cols[k]));
                }
                ps.executeUpdate();
            }
        }

        private static void delete(Connection c, String s, Mutations m, Map<Long, Integer> last, int t)
                throws SQLException {
            List<Long> ids = deleted(m, last);
            if (ids.isEmpty()) {
                return;
            }
            String table = s + "." + BenchWorkload.TABLES[t];
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?::int8[])")) {
                ps.setArray(1, c.createArrayOf("int8", ids.toArray(Long[]::new)));
                ps.executeUpdate();
            }
        }

        @Override
        Map<String, String> debeziumConnection(String schema) {
            Map<String, String> m = new LinkedHashMap<>();
            String sep = url.contains("?") ? "&" : "?";
            m.put("connection.url", url + sep + "currentSchema=" + schema + "&reWriteBatchedInserts=true");
            m.put("connection.username", userOf(url, "postgres"));
            m.put("connection.password", passwordOf(url));
            m.put("dialect.postgres.unnest.insert.enabled", "true");
            return m;
        }
    }

    // ====================================================================================
    static final class MariaDb extends BenchDb {
        private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                .withZone(ZoneOffset.UTC);
        private final String url;

        MariaDb(String url) {
            this.url = url;
        }

        @Override
        String kind() {
            return "mariadb";
        }

        @Override
        String version() throws SQLException {
            try (Connection c = connect(null)) {
                return one(c, "SELECT concat(@@version_comment, ' ', @@version)");
            }
        }

        private String url(String extra) {
            return url + (url.contains("?") ? "&" : "?") + extra;
        }

        @Override
        Connection connect(String schema) throws SQLException {
            return DriverManager.getConnection(url("rewriteBatchedStatements=true&sessionVariables=time_zone='%2B00:00'"
                    + "&allowLoadLocalInfile=true"));
        }

        @Override
        HikariDataSource pool(String schema, int size, String name) {
            HikariConfig cfg = poolConfig(url, size, name);
            cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
            cfg.addDataSourceProperty("sessionVariables", "time_zone='+00:00'");
            return new HikariDataSource(cfg);
        }

        @Override
        void create(String s, boolean fks) throws SQLException {
            try (Connection c = connect(s)) {
                exec(c, "DROP DATABASE IF EXISTS " + s);
                exec(c, "DROP DATABASE IF EXISTS " + s + "_staging");
                exec(c, "CREATE DATABASE " + s);
                exec(c, "CREATE TABLE " + s + ".parent (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                        + " email VARCHAR(80) NOT NULL, status VARCHAR(16) NOT NULL, balance DECIMAL(12,2) NOT NULL,"
                        + " updated_at DATETIME(6) NOT NULL, note VARCHAR(200)) ENGINE=InnoDB");
                exec(c, "CREATE TABLE " + s + ".child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL,"
                        + " sku VARCHAR(32) NOT NULL, qty INT NOT NULL, price DECIMAL(10,2) NOT NULL,"
                        + " created_at DATETIME(6) NOT NULL, note VARCHAR(200), KEY (parent_id)"
                        + (fks ? ", FOREIGN KEY (parent_id) REFERENCES " + s + ".parent (id)" : "") + ") ENGINE=InnoDB");
            }
        }

        @Override
        void drop(String s) throws SQLException {
            try (Connection c = connect(s)) {
                exec(c, "DROP DATABASE IF EXISTS " + s);
                exec(c, "DROP DATABASE IF EXISTS " + s + "_staging");
            }
        }

        @Override
        String path(String schema) {
            return "/" + schema;
        }

        @Override
        String checksum(Connection c, String s) throws SQLException {
            return one(c, "SELECT concat_ws(' ', 'parent', count(*), coalesce(sum(crc32(concat_ws('|', id, name, email,"
                    + " status, balance, date_format(updated_at, '%Y-%m-%d %H:%i:%s.%f'), note))), 0)) FROM " + s + ".parent")
                    + " " + one(c, "SELECT concat_ws(' ', 'child', count(*), coalesce(sum(crc32(concat_ws('|', id, parent_id,"
                    + " sku, qty, price, date_format(created_at, '%Y-%m-%d %H:%i:%s.%f'), note))), 0)) FROM " + s + ".child");
        }

        @Override
        List<String> limitTechniques() {
            return List.of("load data local (final rows)", "multi-row upsert+delete");
        }

        @Override
        Limit limit(String technique, String s, Mutations stream, Mutations finalRows) throws SQLException {
            try (Connection c = connect(s)) {
                c.setAutoCommit(false);
                long start = System.nanoTime();
                switch (technique) {
                    case "load data local (final rows)" -> {
                        String allowed = one(c, "SELECT @@local_infile");
                        if (!"1".equals(allowed)) {
                            return new Limit(technique, false, 0, 0, "not allowed (local_infile=" + allowed + ")");
                        }
                        loadFinal(c, s, finalRows, MariaDb::load);
                        return new Limit(technique, false, finalRows.size, System.nanoTime() - start,
                                "LOAD DATA LOCAL INFILE of the final rows (stream, no file), one transaction; insert-only ceiling");
                    }
                    case "multi-row upsert+delete" -> {
                        applyFolded(c, s, stream, MariaDb::upsert, MariaDb::delete);
                        return new Limit(technique, true, stream.size, System.nanoTime() - start,
                                "INSERT .. VALUES (..) x1000 ON DUPLICATE KEY UPDATE + DELETE .. IN (..), "
                                        + LIMIT_TXN + " mutations/txn");
                    }
                    default -> {
                        return null;
                    }
                }
            }
        }

        private static void load(Connection c, String table, Mutations rows, int t) throws SQLException {
            StringBuilder sb = new StringBuilder(rows.size * 200);
            for (int i = 0; i < rows.size; i++) {
                if (rows.table[i] == t) {
                    String[] vals = values(rows, i);
                    for (int k = 0; k < vals.length; k++) {
                        sb.append(k == 0 ? "" : "\t").append(vals[k]);
                    }
                    sb.append('\n');
                }
            }
            try (Statement st = c.createStatement()) {
                InputStream in = new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8));
                st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(in);
                st.execute("LOAD DATA LOCAL INFILE 'stream' INTO TABLE " + table + " CHARACTER SET utf8mb4");
            }
        }

        private static String[] values(Mutations m, int i) {
            long id = m.id[i];
            int v = m.version[i];
            if (m.table[i] == PARENT) {
                return new String[] {Long.toString(id), BenchWorkload.name(id, v), BenchWorkload.email(id),
                    BenchWorkload.status(id, v), BenchWorkload.balance(id, v).toPlainString(),
                    DATETIME.format(BenchWorkload.time(PARENT, id, v)), BenchWorkload.note(PARENT, id, v)};
            }
            return new String[] {Long.toString(id), Long.toString(m.parentId[i]), BenchWorkload.sku(id, v),
                Integer.toString(BenchWorkload.qty(id, v)), BenchWorkload.price(id, v).toPlainString(),
                DATETIME.format(BenchWorkload.time(CHILD, id, v)), BenchWorkload.note(CHILD, id, v)};
        }

        private static final int ROWS_PER_STATEMENT = 1000;

        private static void upsert(Connection c, String s, Mutations m, Map<Long, Integer> last, int t)
                throws SQLException {
            List<Integer> rows = upserted(m, last);
            String[] cols = BenchWorkload.COLUMNS[t];
            for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
                int n = Math.min(ROWS_PER_STATEMENT, rows.size() - from);
                StringBuilder sql = new StringBuilder("INSERT INTO ").append(s).append('.').append(BenchWorkload.TABLES[t])
                        .append(" (").append(String.join(", ", cols)).append(") VALUES ");
                String tuple = "(" + "?, ".repeat(cols.length - 1) + "?)";
                for (int k = 0; k < n; k++) {
                    sql.append(k == 0 ? "" : ", ").append(tuple);
                }
                sql.append(" ON DUPLICATE KEY UPDATE ");
                for (int k = 1; k < cols.length; k++) {
                    sql.append(k > 1 ? ", " : "").append(cols[k]).append(" = VALUES(").append(cols[k]).append(')');
                }
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (int k = 0; k < n; k++) {
                        for (String v : values(m, rows.get(from + k))) {
                            ps.setString(p++, v);
                        }
                    }
                    ps.executeUpdate();
                }
            }
        }

        private static void delete(Connection c, String s, Mutations m, Map<Long, Integer> last, int t)
                throws SQLException {
            List<Long> ids = deleted(m, last);
            if (!ids.isEmpty()) {
                exec(c, "DELETE FROM " + s + "." + BenchWorkload.TABLES[t] + " WHERE id IN ("
                        + ids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")");
            }
        }

        @Override
        Map<String, String> debeziumConnection(String schema) {
            // MariaDB's own driver (Debezium ships it): MySQL Connector/J sees MariaDB as "5.5.5-…" and drops the
            // fractional seconds of the LocalDateTime values Debezium binds. useBulkStmts is its batch fast path.
            Map<String, String> m = new LinkedHashMap<>();
            String hostPort = url.replaceFirst("jdbc:mysql://([^/?]+).*", "$1");
            m.put("connection.url", "jdbc:mariadb://" + hostPort + "/" + schema + "?useBulkStmts=true");
            m.put("connection.username", userOf(url, "root"));
            m.put("connection.password", passwordOf(url));
            return m;
        }
    }

    static String userOf(String url, String fallback) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]user=([^&]*)").matcher(url);
        return m.find() ? m.group(1) : fallback;
    }

    static String passwordOf(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]password=([^&]*)").matcher(url);
        return m.find() ? m.group(1) : "";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
