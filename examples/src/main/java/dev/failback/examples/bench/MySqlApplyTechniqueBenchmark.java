package dev.failback.examples.bench;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.TableInfo;
import dev.failback.dialect.mysql.MySqlApplyTechnique;
import dev.failback.dialect.mysql.MySqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures upsert and delete throughput of every {@link MySqlApplyTechnique} against the local MariaDB or MySQL
 * (JDBC URL from {@code $FAILBACK_BENCH_MYSQL_URL}, default the local server, without
 * {@code rewriteBatchedStatements}: the dialect switches it on itself), on a table shaped like the fixtures'
 * {@code employees}. A program, not a test: {@code java ... MySqlMySqlApplyTechniqueBenchmark [rows] [rowsPerCall] [repeats]}.
 *
 * <p>Each call applies {@code rowsPerCall} rows in its own transaction. Per technique: a warm-up, then
 * {@code repeats} rounds of insert all rows / update all rows / delete all rows; the best round is printed.
 */
public final class MySqlApplyTechniqueBenchmark {

    private MySqlApplyTechniqueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int perCall = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String schema = "failback_mybench_" + Long.toString(System.nanoTime() & 0xffffff, 36);
        TableName name = new TableName(schema, "employees");
        List<Mutation> inserts = generate(name, rows, 0);
        List<Mutation> updates = generate(name, rows, 1);
        List<Mutation> deletes = new ArrayList<>(rows);
        for (Mutation m : inserts) {
            deletes.add(new Mutation(name, m.key(), m.updated(), null, null));
        }
        try (Connection c = DriverManager.getConnection(url())) {
            exec(c, "CREATE DATABASE " + schema);
            try {
                exec(c, "CREATE TABLE " + schema + ".employees (id bigint PRIMARY KEY, name varchar(100) NOT NULL,"
                        + " email varchar(100), department varchar(50), salary decimal(12,2), hired_at datetime(6),"
                        + " active tinyint(1), manager_id bigint)");
                TableInfo table = MySqlDialect.detect(c, MySqlDialect.DEFAULT_TECHNIQUE).readSchema(c, schema).table("employees");
                System.out.printf(Locale.ROOT, "%s, %d rows, %d rows per call (one transaction each), best of %d%n",
                        c.getMetaData().getDatabaseProductVersion(), rows, perCall, repeats);
                System.out.printf(Locale.ROOT, "%-16s %14s %14s %14s%n", "technique", "insert rows/s", "update rows/s", "delete rows/s");
                for (MySqlApplyTechnique technique : MySqlApplyTechnique.values()) {
                    MySqlDialect dialect = MySqlDialect.detect(c, technique);
                    dialect.readSchema(c, schema);
                    exec(c, "TRUNCATE " + schema + ".employees");
                    int warm = Math.min(rows, 20_000);
                    run(c, perCall, inserts.subList(0, warm), batch -> dialect.upsert(c, table, batch));
                    run(c, perCall, updates.subList(0, warm), batch -> dialect.upsert(c, table, batch));
                    run(c, perCall, deletes.subList(0, warm), batch -> dialect.delete(c, table, batch));
                    double ins = 0;
                    double upd = 0;
                    double del = 0;
                    for (int r = 0; r < repeats; r++) {
                        exec(c, "TRUNCATE " + schema + ".employees");
                        ins = Math.max(ins, run(c, perCall, inserts, batch -> dialect.upsert(c, table, batch)));
                        upd = Math.max(upd, run(c, perCall, updates, batch -> dialect.upsert(c, table, batch)));
                        del = Math.max(del, run(c, perCall, deletes, batch -> dialect.delete(c, table, batch)));
                    }
                    System.out.printf(Locale.ROOT, "%-16s %,14.0f %,14.0f %,14.0f%n", technique, ins, upd, del);
                }
            } finally {
                exec(c, "DROP DATABASE " + schema);
            }
        }
    }

    /** Rows as CockroachDB sends them: keys sorted, {@code ", "} separators, exact decimals. */
    private static List<Mutation> generate(TableName table, int rows, int version) {
        Hlc ts = Hlc.parse("1759246931287415902.0000000000");
        List<Mutation> out = new ArrayList<>(rows);
        for (int i = 1; i <= rows; i++) {
            String after = "{\"active\": " + (i % 7 != version) + ", \"department\": \"dept-" + (i % 20 + version)
                    + "\", \"email\": \"user" + i + "@example.com\", \"hired_at\": \"2025-09-" + (10 + i % 20)
                    + "T14:30:15." + (100000 + i % 900000) + "Z\", \"id\": " + i + ", \"manager_id\": "
                    + (i % 10 == 0 ? "null" : String.valueOf(i / 10 + 1)) + ", \"name\": \"Employee " + i
                    + (version == 0 ? "" : " Jr.") + "\", \"salary\": " + (50000 + i % 100000 + version) + "."
                    + (10 + i % 90) + "}";
            out.add(new Mutation(table, "[" + i + "]", ts, after, null));
        }
        return out;
    }

    private interface Call {
        void apply(List<Mutation> batch) throws SQLException;
    }

    /** Applies rows in calls of {@code perCall}, one transaction each; returns rows per second. */
    private static double run(Connection c, int perCall, List<Mutation> rows, Call call) throws SQLException {
        c.setAutoCommit(false);
        long start = System.nanoTime();
        for (int i = 0; i < rows.size(); i += perCall) {
            call.apply(rows.subList(i, Math.min(rows.size(), i + perCall)));
            c.commit();
        }
        long nanos = System.nanoTime() - start;
        c.setAutoCommit(true);
        return rows.size() / (nanos / 1e9);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String url() {
        String url = System.getenv("FAILBACK_BENCH_MYSQL_URL");
        return url == null || url.isBlank() ? "jdbc:mysql://127.0.0.1:3306/test?user=root&password=" : url;
    }
}
