package dev.failback.core.internal.stage;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.HlcBounds;
import dev.failback.core.internal.Transactions;
import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.StagingStore;
import dev.failback.spi.VersionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Staging over JDBC. One table holds every group's mutations, keyed by (group, updated, table, key),
 * so a batch re-sent by the changefeed is staged once. The same object keeps immediate mode's key
 * versions ({@link VersionStore}) and the dead letters ({@link DeadLetterStore}) in their own tables of
 * the staging schema. The SQL that differs between database families
 * is a {@link StagingSql}: one for PostgreSQL and CockroachDB, one for MySQL and MariaDB (where the
 * staging schema is a database). Thread-safe.
 */
public final class SqlStagingStore extends SqlStore implements StagingStore, VersionStore, DeadLetterStore {
    private final String mutations;
    private final String versions;
    private final String deadLetters;

    /**
     * Creates a store; {@link StagingStores} picks the family.
     *
     * @param dataSource   the staging database
     * @param schema       the staging schema ({@code schema} or {@code database.schema}; a database on MySQL)
     * @param createSchema whether to create the schema when missing
     * @param sql          the family's SQL
     */
    SqlStagingStore(DataSource dataSource, String schema, boolean createSchema, StagingSql sql) {
        super(dataSource, schema, createSchema, sql);
        this.mutations = sql.table(schema, "mutations");
        this.versions = sql.table(schema, "versions");
        this.deadLetters = sql.table(schema, "dead_letters");
    }

    @Override
    List<String> createTables() {
        return sql.createTables(mutations, versions, deadLetters);
    }

    @Override
    void checkDatabase(Connection c) throws SQLException {
        sql.checkProduct(c);
    }

    @Override
    public void deadLetter(String group, Mutation m, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.deadLetterSql(deadLetters))) {
            sql.bindDeadLetter(ps, group, m, reason);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    @Override
    public int stage(String group, List<Mutation> batch) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inTransaction(c, () -> sql.insert(c, mutations, group, batch));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The plain {@code wall} bounds beside the row comparisons make the scan a range on the
     * primary key (MariaDB uses no index for row comparisons).
     */
    @Override
    public List<Mutation> read(String group, Hlc from, Hlc to, Mutation after, int limit) throws SQLException {
        String order = sql.keyOrder();
        String select = "SELECT " + sql.readColumns() + " FROM " + mutations
                + " WHERE grp = ? AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)"
                + (after == null ? "" : " AND (wall, logical, tbl, " + order + ") > (?, ?, ?, ?)")
                + " ORDER BY wall, logical, tbl, " + order + " LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
            int i = 1;
            sql.bindName(ps, i++, group);
            ps.setLong(i++, after == null ? from.wall() : Math.max(from.wall(), after.updated().wall()));
            ps.setLong(i++, to.wall());
            i = bindHlc(ps, i, from);
            i = bindHlc(ps, i, to);
            if (after != null) {
                i = bindHlc(ps, i, after.updated());
                sql.bindName(ps, i++, after.table().name());
                sql.bindKeyOrder(ps, i++, after.key());
            }
            return page(ps, i, limit);
        }
    }

    @Override
    public List<TableName> tablesAt(String group, Hlc at) throws SQLException {
        String select = "SELECT DISTINCT tschema, tbl FROM " + mutations + " WHERE grp = ? AND wall = ? AND logical = ?";
        List<TableName> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
            sql.bindName(ps, 1, group);
            bindHlc(ps, 2, at);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableName(rs.getString(1), sql.readName(rs, 2)));
                }
            }
        }
        return out;
    }

    @Override
    public List<Mutation> readAt(String group, Hlc at, TableName table, Mutation after, int limit) throws SQLException {
        String order = sql.keyOrder();
        String select = "SELECT " + sql.readColumns() + " FROM " + mutations
                + " WHERE grp = ? AND wall = ? AND logical = ? AND tbl = ? AND tschema = ?"
                + (after == null ? "" : " AND " + order + " > ?") + " ORDER BY " + order + " LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
            int i = 1;
            sql.bindName(ps, i++, group);
            i = bindHlc(ps, i, at);
            sql.bindName(ps, i++, table.name());
            ps.setString(i++, table.schema());
            if (after != null) {
                sql.bindKeyOrder(ps, i++, after.key());
            }
            return page(ps, i, limit);
        }
    }

    @Override
    public long retire(String group, Hlc upTo) throws SQLException {
        return update("DELETE FROM " + mutations + " WHERE grp = ? AND wall <= ? AND (wall, logical) <= (?, ?)",
                group, upTo.wall(), upTo.wall(), upTo.logical());
    }

    /**
     * Deletes the rows applied since the previous retire. The plain {@code wall} bounds beside the
     * row comparisons give the planner a closed range on the primary key, so that even its generic
     * plan for this prepared statement is an index range scan rather than a scan of every staged row.
     */
    @Override
    public long retire(String group, Hlc after, Hlc upTo) throws SQLException {
        return update("DELETE FROM " + mutations + " WHERE grp = ?"
                + " AND wall >= ? AND wall <= ? AND (wall, logical) > (?, ?) AND (wall, logical) <= (?, ?)",
                group, after.wall(), upTo.wall(), after.wall(), after.logical(), upTo.wall(), upTo.logical());
    }

    @Override
    public long countAfter(String group, Hlc after) throws SQLException {
        return queryLong("SELECT count(*) FROM " + mutations + " WHERE grp = ? AND " + HlcBounds.AFTER,
                group, after.wall(), after.wall(), after.logical());
    }

    @Override
    public long count(String group) throws SQLException {
        return queryLong("SELECT count(*) FROM " + mutations + " WHERE grp = ?", group);
    }

    @Override
    public Map<RowKey, Hlc> appliedVersions(String group, Collection<RowKey> keys) throws SQLException {
        if (keys.isEmpty()) {
            return new HashMap<>();
        }
        try (Connection c = dataSource.getConnection()) {
            return sql.appliedVersions(c, versions, group, keys);
        }
    }

    @Override
    public void recordVersions(String group, Map<RowKey, Hlc> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            sql.recordVersions(c, versions, group, applied);
        }
    }

    @Override
    public boolean holdsVersions(String group) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, "SELECT 1 FROM " + versions + " WHERE grp = ? LIMIT 1", group);
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    @Override
    public void retireVersions(String group, Hlc upTo) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            sql.retireVersions(c, versions, group, upTo);
        }
    }

    /** Runs a read whose last parameter, at {@code limitIndex}, is its LIMIT. */
    private List<Mutation> page(PreparedStatement ps, int limitIndex, int limit) throws SQLException {
        ps.setInt(limitIndex, limit);
        sql.tuneRead(ps, limit);
        List<Mutation> out = new ArrayList<>(Math.min(limit, 10_000));
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(mutation(rs));
            }
        }
        return out;
    }

    /** A row of {@link StagingSql#readColumns()}. */
    private Mutation mutation(ResultSet rs) throws SQLException {
        return new Mutation(new TableName(rs.getString(1), sql.readName(rs, 2)), rs.getString(5),
                new Hlc(rs.getLong(3), (int) rs.getLong(4)), rs.getString(6), rs.getString(7));
    }

    private static int bindHlc(PreparedStatement ps, int index, Hlc hlc) throws SQLException {
        ps.setLong(index, hlc.wall());
        ps.setLong(index + 1, hlc.logical());
        return index + 2;
    }
}
