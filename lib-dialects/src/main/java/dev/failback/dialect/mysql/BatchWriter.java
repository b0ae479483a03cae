package dev.failback.dialect.mysql;

import dev.failback.dialect.internal.Json;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * {@link MySqlApplyTechnique#BATCH_REWRITE}: a single-row {@code INSERT ... ON DUPLICATE KEY UPDATE}
 * (and a single-key {@code DELETE}) prepared once, every row added with {@code addBatch()}, sent with
 * {@code executeBatch()} per chunk. With Connector/J's {@code rewriteBatchedStatements} (switched on
 * for the duration, see {@link ConnectorJ}) the driver rewrites the insert batch into multi-row
 * statements split by {@code max_allowed_packet}, and the delete batch into multi-statement packets;
 * with other drivers it is a plain JDBC batch.
 */
final class BatchWriter extends Writer {

    BatchWriter(OdkuForm form, boolean mysql, Limits limits) {
        super(form, mysql, limits);
    }

    @Override
    void upsert(Connection c, Statement upsert, List<Json.Value[]> rows) throws SQLException {
        try (ConnectorJ.Rewrite ignored = ConnectorJ.rewriteBatches(c);
                PreparedStatement ps = c.prepareStatement(upsert.head + upsert.row + upsert.tail)) {
            int from = 0;
            while (from < rows.size()) {
                int n = Math.min(limits.maxRows(), rows.size() - from);
                for (int r = from; r < from + n; r++) {
                    upsert.bind(ps, 1, rows.get(r));
                    ps.addBatch();
                }
                ps.executeBatch();
                verify(c, upsert, rows, from, n);
                from += n;
            }
        }
    }

    @Override
    void delete(Connection c, TableInfo table, List<ColumnInfo> pk, List<Json.Value[]> keys) throws SQLException {
        MyType[] types = new MyType[pk.size()];
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(Sql.table(table.name())).append(" WHERE ");
        for (int i = 0; i < types.length; i++) {
            types[i] = MyType.of(pk.get(i));
            sql.append(i == 0 ? "" : " AND ").append(Sql.quote(pk.get(i).name())).append(" = ")
                    .append(Values.keyPlaceholder(types[i]));
        }
        try (ConnectorJ.Rewrite ignored = ConnectorJ.rewriteBatches(c);
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int from = 0;
            while (from < keys.size()) {
                int n = Math.min(limits.maxRows(), keys.size() - from);
                for (int r = from; r < from + n; r++) {
                    Json.Value[] key = keys.get(r);
                    for (int i = 0; i < key.length; i++) {
                        Values.bind(ps, i + 1, key[i], types[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                from += n;
            }
        }
    }
}
