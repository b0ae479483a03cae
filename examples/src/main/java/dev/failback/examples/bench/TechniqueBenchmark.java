package dev.failback.examples.bench;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.Dialect;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link ApplyTechniqueBenchmark} and {@link MySqlApplyTechniqueBenchmark} share: the arguments, the
 * generated rows, the timing loop, the rounds and the table printed. A subclass names its server, the
 * {@code employees} columns in its types, and how a technique becomes a dialect. The schema is a fresh one
 * ({@code CREATE SCHEMA}, a database on MySQL), dropped at the end.
 *
 * @param <T> the dialect's technique enum
 */
abstract class TechniqueBenchmark<T> {
    private final T[] techniques;
    private final String url;
    private final String schemaPrefix;

    /**
     * @param techniques   the techniques to measure, in the order printed
     * @param url          the server's JDBC URL
     * @param schemaPrefix the name of the schema made for the run, before a random suffix
     */
    TechniqueBenchmark(T[] techniques, String url, String schemaPrefix) {
        this.techniques = techniques;
        this.url = url;
        this.schemaPrefix = schemaPrefix;
    }

    /** The server's name and version, for the header. */
    abstract String server(Connection c) throws SQLException;

    /** The columns of the {@code employees} table (shaped like the fixtures' one), in this server's types. */
    abstract String employeesColumns();

    /** Prepares the emptied table for a measured round; nothing by default. */
    void beforeRound(Connection c, String table) throws SQLException {
    }

    abstract Dialect dialect(Connection c, T technique) throws SQLException;

    /** The URL in the environment variable, else the default. */
    static String url(String variable, String fallback) {
        String url = System.getenv(variable);
        return url == null || url.isBlank() ? fallback : url;
    }

    final void run(String[] args) throws SQLException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int perCall = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String schema = schemaPrefix + Long.toString(System.nanoTime() & 0xffffff, 36);
        String employees = schema + ".employees";
        TableName name = new TableName(schema, "employees");
        List<Mutation> inserts = generate(name, rows, 0);
        List<Mutation> updates = generate(name, rows, 1);
        List<Mutation> deletes = new ArrayList<>(rows);
        for (Mutation m : inserts) {
            deletes.add(new Mutation(name, m.key(), m.updated(), null, null));
        }
        try (Connection c = DriverManager.getConnection(url)) {
            exec(c, "CREATE SCHEMA " + schema);
            try {
                exec(c, "CREATE TABLE " + employees + " (" + employeesColumns() + ")");
                System.out.printf(Locale.ROOT, "%s, %d rows, %d rows per call (one transaction each), best of %d%n",
                        server(c), rows, perCall, repeats);
                System.out.printf(Locale.ROOT, "%-16s %14s %14s %14s%n", "technique", "insert rows/s", "update rows/s", "delete rows/s");
                for (T technique : techniques) {
                    Dialect dialect = dialect(c, technique);
                    TableInfo table = dialect.readSchema(c, schema).table("employees");
                    Call upsert = batch -> dialect.upsert(c, table, batch);
                    Call delete = batch -> dialect.delete(c, table, batch);
                    exec(c, "TRUNCATE " + employees);
                    int warm = Math.min(rows, 20_000);
                    time(c, perCall, inserts.subList(0, warm), upsert);
                    time(c, perCall, updates.subList(0, warm), upsert);
                    time(c, perCall, deletes.subList(0, warm), delete);
                    double ins = 0;
                    double upd = 0;
                    double del = 0;
                    for (int r = 0; r < repeats; r++) {
                        exec(c, "TRUNCATE " + employees);
                        beforeRound(c, employees);
                        ins = Math.max(ins, time(c, perCall, inserts, upsert));
                        upd = Math.max(upd, time(c, perCall, updates, upsert));
                        del = Math.max(del, time(c, perCall, deletes, delete));
                    }
                    System.out.printf(Locale.ROOT, "%-16s %,14.0f %,14.0f %,14.0f%n", technique, ins, upd, del);
                }
            } finally {
                exec(c, "DROP TABLE IF EXISTS " + employees);
                exec(c, "DROP SCHEMA " + schema);
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
    private static double time(Connection c, int perCall, List<Mutation> rows, Call call) throws SQLException {
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

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
