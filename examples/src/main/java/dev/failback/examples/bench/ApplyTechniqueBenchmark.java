package dev.failback.examples.bench;

import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.TableInfo;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures upsert and delete throughput of every {@link ApplyTechnique} against the local PostgreSQL
 * (JDBC URL from {@code $FAILBACK_BENCH_PG_URL}, default the local server), on a table shaped like the fixtures' {@code employees}.
 * A program, not a test: {@code java ... ApplyTechniqueBenchmark [rows] [rowsPerCall] [repeats]}.
 *
 * <p>Each call applies {@code rowsPerCall} rows in its own transaction. Per technique: a warm-up, then
 * {@code repeats} rounds of insert all rows / update all rows / delete all rows; the best round is printed.
 */
public final class ApplyTechniqueBenchmark {

    private ApplyTechniqueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int perCall = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String schema = "failback_bench_" + Long.toString(System.nanoTime() & 0xffffff, 36);
        TableName name = new TableName(schema, "employees");
        List<Mutation> inserts = BenchSupport.generate(name, rows, 0);
        List<Mutation> updates = BenchSupport.generate(name, rows, 1);
        List<Mutation> deletes = new ArrayList<>(rows);
        for (Mutation m : inserts) {
            deletes.add(new Mutation(name, m.key(), m.updated(), null, null));
        }
        try (Connection c = DriverManager.getConnection(url())) {
            BenchSupport.exec(c, "CREATE SCHEMA " + schema);
            try {
                BenchSupport.exec(c, "CREATE TABLE " + schema + ".employees (id bigint PRIMARY KEY, name text NOT NULL, email text,"
                        + " department text, salary numeric(12,2), hired_at timestamptz, active boolean, manager_id bigint)");
                TableInfo table = new PostgresDialect().readSchema(c, schema).table("employees");
                System.out.printf(Locale.ROOT, "PostgreSQL %s, %d rows, %d rows per call (one transaction each), best of %d%n",
                        c.getMetaData().getDatabaseProductVersion(), rows, perCall, repeats);
                System.out.printf(Locale.ROOT, "%-16s %14s %14s %14s%n", "technique", "insert rows/s", "update rows/s", "delete rows/s");
                for (ApplyTechnique technique : ApplyTechnique.values()) {
                    PostgresDialect dialect = new PostgresDialect(technique);
                    BenchSupport.exec(c, "TRUNCATE " + schema + ".employees");
                    int warm = Math.min(rows, 20_000);
                    BenchSupport.run(c, perCall, inserts.subList(0, warm), batch -> dialect.upsert(c, table, batch));
                    BenchSupport.run(c, perCall, updates.subList(0, warm), batch -> dialect.upsert(c, table, batch));
                    BenchSupport.run(c, perCall, deletes.subList(0, warm), batch -> dialect.delete(c, table, batch));
                    double ins = 0;
                    double upd = 0;
                    double del = 0;
                    for (int r = 0; r < repeats; r++) {
                        BenchSupport.exec(c, "TRUNCATE " + schema + ".employees");
                        BenchSupport.exec(c, "VACUUM ANALYZE " + schema + ".employees");
                        ins = Math.max(ins, BenchSupport.run(c, perCall, inserts, batch -> dialect.upsert(c, table, batch)));
                        upd = Math.max(upd, BenchSupport.run(c, perCall, updates, batch -> dialect.upsert(c, table, batch)));
                        del = Math.max(del, BenchSupport.run(c, perCall, deletes, batch -> dialect.delete(c, table, batch)));
                    }
                    System.out.printf(Locale.ROOT, "%-16s %,14.0f %,14.0f %,14.0f%n", technique, ins, upd, del);
                }
            } finally {
                BenchSupport.exec(c, "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static String url() {
        String url = System.getenv("FAILBACK_BENCH_PG_URL");
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" : url;
    }
}
