package dev.failback.core.internal.staging;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.StagingStore.RowKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one family of staging databases, for {@link SqlStagingStore}: what the family spells
 * differently (quoting, types, bulk statements, how keys and versions are stored). Everything the
 * families share stays in the store. Stateless and thread-safe.
 */
abstract class StagingSql {
    /** PostgreSQL and CockroachDB. */
    static final StagingSql POSTGRES = new PostgresStagingSql();
    /** MySQL and MariaDB. */
    static final StagingSql MYSQL = new MySqlStagingSql();

    /**
     * The quoted, schema-qualified name of a staging table.
     *
     * @param schema the staging schema (a database on MySQL)
     * @param table  the table's bare name
     * @return the name to use in SQL
     */
    abstract String table(String schema, String table);

    /**
     * Checks that the staging schema exists, creating it when asked.
     *
     * @param c      a connection
     * @param schema the schema
     * @param create whether to create it
     * @throws SQLException when the database is unreachable
     */
    abstract void ensureSchema(Connection c, String schema, boolean create) throws SQLException;

    /**
     * The {@code CREATE TABLE IF NOT EXISTS} statements of the staging tables.
     *
     * @param mutations   the staged mutations
     * @param versions    the applied versions (immediate mode)
     * @param deadLetters the dead letters
     * @return the statements, in order
     */
    abstract List<String> createTables(String mutations, String versions, String deadLetters);

    /**
     * Checks that the connection reaches a database of this family.
     *
     * @param c a connection
     * @throws SQLException when the database is unreachable
     */
    void checkProduct(Connection c) throws SQLException {
    }

    /** Binds a group name as the {@code grp} column stores it. */
    abstract void bindGroup(PreparedStatement ps, int index, String group) throws SQLException;

    /** Binds a table name as the {@code tbl} column of the mutations stores it. */
    abstract void bindTable(PreparedStatement ps, int index, String table) throws SQLException;

    /** Binds a row key as the mutations order it ({@link #keyOrder()}). */
    abstract void bindKeyOrder(PreparedStatement ps, int index, String key) throws SQLException;

    /** Reads the {@code tbl} column of the mutations. */
    abstract String readTable(ResultSet rs, int index) throws SQLException;

    /** The column that orders rows of one timestamp and table. */
    abstract String keyOrder();

    /** The select list of {@link SqlStagingStore#read}: tschema, tbl, wall, logical, key, after, before. */
    abstract String readColumns();

    /**
     * Adjusts the read statement.
     *
     * @param ps    the statement
     * @param limit the row limit
     * @throws SQLException when the driver refuses
     */
    void tuneRead(PreparedStatement ps, int limit) throws SQLException {
    }

    /**
     * Inserts a batch of mutations, skipping those already staged; runs inside the caller's transaction.
     *
     * @return the number of rows inserted
     */
    abstract int insert(Connection c, String mutations, String group, List<Mutation> batch) throws SQLException;

    /** Inserts one dead letter, ignoring a duplicate. */
    abstract void deadLetter(Connection c, String deadLetters, String group, Mutation m, String reason)
            throws SQLException;

    /** Reads the newest applied version of each key that has one. */
    abstract Map<RowKey, Hlc> appliedVersions(Connection c, String versions, String group, Collection<RowKey> keys)
            throws SQLException;

    /** Records applied versions; a version only moves forward. */
    abstract void recordVersions(Connection c, String versions, String group, Map<RowKey, Hlc> applied)
            throws SQLException;

    /** Deletes the versions at or below a timestamp. */
    abstract void retireVersions(Connection c, String versions, String group, Hlc upTo) throws SQLException;

    /** The family's name, as {@link SqlStagingStore#toString()} shows it. */
    abstract String family();
}
