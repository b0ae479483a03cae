package dev.failback.examples.bench;

import dev.failback.dialect.mysql.MySqlApplyTechnique;
import dev.failback.dialect.mysql.MySqlDialect;
import dev.failback.spi.Dialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Measures upsert and delete throughput of every {@link MySqlApplyTechnique} against the local MariaDB or MySQL
 * (JDBC URL from {@code $FAILBACK_BENCH_MYSQL_URL}, default the local server, without
 * {@code rewriteBatchedStatements}: the dialect switches it on itself), on a table shaped like the fixtures'
 * {@code employees}. A program, not a test: {@code java ... MySqlApplyTechniqueBenchmark [rows] [rowsPerCall] [repeats]}.
 *
 * <p>Each call applies {@code rowsPerCall} rows in its own transaction. Per technique: a warm-up, then
 * {@code repeats} rounds of insert all rows / update all rows / delete all rows; the best round is printed.
 */
public final class MySqlApplyTechniqueBenchmark extends TechniqueBenchmark<MySqlApplyTechnique> {

    private MySqlApplyTechniqueBenchmark() {
        super(MySqlApplyTechnique.values(), url("FAILBACK_BENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/test?user=root&password="),
                "failback_mybench_");
    }

    public static void main(String[] args) throws Exception {
        new MySqlApplyTechniqueBenchmark().run(args);
    }

    @Override
    String server(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductVersion();
    }

    @Override
    String employeesColumns() {
        return "id bigint PRIMARY KEY, name varchar(100) NOT NULL, email varchar(100), department varchar(50),"
                + " salary decimal(12,2), hired_at datetime(6), active tinyint(1), manager_id bigint";
    }

    @Override
    Dialect dialect(Connection c, MySqlApplyTechnique technique) throws SQLException {
        return MySqlDialect.detect(c, technique);
    }
}
