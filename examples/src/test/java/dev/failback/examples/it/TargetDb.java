package dev.failback.examples.it;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * A target database for one test, of any dialect: a uniquely named schema (PostgreSQL) or database
 * (MariaDB) with a pool, its webhook path, and helpers that replace {@code $S} in SQL with the quoted
 * schema. Staging goes to {@code <name>_staging} on the same server. Dropped on close.
 */
interface TargetDb extends AutoCloseable {

    /** The dialects the multi-target ITs run against. */
    enum Kind {
        POSTGRESQL, MARIADB;

        TargetDb create(String prefix, String... ddlResources) throws SQLException {
            return this == POSTGRESQL ? new PgSchema(prefix, ddlResources) : new MariaDb(prefix, ddlResources);
        }
    }

    /** The schema (PostgreSQL) or database (MariaDB) name. */
    String name();

    /** The pool on the target. */
    DataSource dataSource();

    /** The webhook path naming this target schema. */
    String path();

    /** The database holding staging; the target itself unless it cannot stage. */
    default DataSource stagingDataSource() {
        return dataSource();
    }

    /** The staging schema (or database) for the pipeline under test. */
    default String stagingSchema() {
        return name() + "_staging";
    }

    List<List<String>> query(String sql) throws SQLException;

    String one(String sql) throws SQLException;

    void execute(String sql) throws SQLException;

    @Override
    void close() throws SQLException;
}
