package dev.failback.examples.bench;

import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.Dialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Measures upsert and delete throughput of every {@link ApplyTechnique} against the local PostgreSQL
 * (JDBC URL from {@code $FAILBACK_BENCH_PG_URL}, default the local server), on a table shaped like the fixtures' {@code employees}.
 * A program, not a test: {@code java ... ApplyTechniqueBenchmark [rows] [rowsPerCall] [repeats]}.
 *
 * <p>Each call applies {@code rowsPerCall} rows in its own transaction. Per technique: a warm-up, then
 * {@code repeats} rounds of insert all rows / update all rows / delete all rows; the best round is printed.
 */
public final class ApplyTechniqueBenchmark extends TechniqueBenchmark<ApplyTechnique> {

    private ApplyTechniqueBenchmark() {
        super(ApplyTechnique.values(), url("FAILBACK_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"),
                "failback_bench_");
    }

    public static void main(String[] args) throws Exception {
        new ApplyTechniqueBenchmark().run(args);
    }

    @Override
    String server(Connection c) throws SQLException {
        return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
    }

    @Override
    String employeesColumns() {
        return "id bigint PRIMARY KEY, name text NOT NULL, email text, department text, salary numeric(12,2),"
                + " hired_at timestamptz, active boolean, manager_id bigint";
    }

    @Override
    void beforeRound(Connection c, String table) throws SQLException {
        exec(c, "VACUUM ANALYZE " + table);
    }

    @Override
    Dialect dialect(Connection c, ApplyTechnique technique) {
        return new PostgresDialect(technique);
    }
}
