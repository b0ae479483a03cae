package dev.failback.dialect.cockroach;

import dev.failback.Mutation;
import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes rows to CockroachDB: PostgreSQL's value conversions with {@code UPSERT INTO ... SELECT ...
 * FROM} single-argument {@code unnest} calls, deletes by {@code WHERE (pk) IN (...)}; see
 * {@link PostgresDialect#upsertInto}. Thread-safe.
 */
final class Writer implements AbstractDialect.RowWriter {
    private final PostgresDialect upsertInto;

    /**
     * Creates the writer of a technique.
     *
     * @throws IllegalArgumentException for {@link ApplyTechnique#JSONB_RECORDSET}
     */
    Writer(ApplyTechnique technique) {
        this.upsertInto = PostgresDialect.upsertInto("cockroachdb", technique);
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        upsertInto.upsert(connection, table, rows);
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        upsertInto.delete(connection, table, rows);
    }
}
