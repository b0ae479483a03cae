package dev.failback.core.internal.stage;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.VersionStore.RowKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private final boolean binary;
    private final String family;
    private final String readColumns;
    private final String checkpointColumns;
    private final int versionColumns;

    /**
     * Creates a family.
     *
     * @param binary            whether names are stored as bytes and row keys are ordered by their SHA-256
     *                          (InnoDB limits index keys to 3072 bytes)
     * @param family            the family's name
     * @param readColumns       see {@link #readColumns()}
     * @param checkpointColumns see {@link #checkpointColumns()}
     * @param versionColumns    see {@link #versionColumns()}
     */
    StagingSql(boolean binary, String family, String readColumns, String checkpointColumns, int versionColumns) {
        this.binary = binary;
        this.family = family;
        this.readColumns = readColumns;
        this.checkpointColumns = checkpointColumns;
        this.versionColumns = versionColumns;
    }

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

    /**
     * Binds a group or table name as the family stores names: text, or (binary) its UTF-8 bytes.
     *
     * @param ps    the statement
     * @param index the parameter
     * @param name  the name
     * @throws SQLException when the driver refuses
     */
    final void bindName(PreparedStatement ps, int index, String name) throws SQLException {
        if (binary) {
            ps.setBytes(index, utf8(name));
        } else {
            ps.setString(index, name);
        }
    }

    /** Reads a name that {@link #bindName} wrote. */
    final String readName(ResultSet rs, int index) throws SQLException {
        return binary ? new String(rs.getBytes(index), StandardCharsets.UTF_8) : rs.getString(index);
    }

    /** Binds a row key as the mutations order it ({@link #keyOrder()}): text, or (binary) its SHA-256. */
    final void bindKeyOrder(PreparedStatement ps, int index, String key) throws SQLException {
        if (binary) {
            ps.setBytes(index, hash(key));
        } else {
            ps.setString(index, key);
        }
    }

    /** The column that orders rows of one timestamp and table. */
    final String keyOrder() {
        return binary ? "key_hash" : "key";
    }

    /** The select list of {@link SqlStagingStore#read}: tschema, tbl, wall, logical, key, after, before. */
    final String readColumns() {
        return readColumns;
    }

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

    /**
     * The statement that inserts one dead letter, ignoring a duplicate: parameters group, table, key,
     * wall, logical, after, before, reason, and in the binary family the key again (for its hash).
     *
     * @param deadLetters the table
     * @return the statement
     */
    abstract String deadLetterSql(String deadLetters);

    /** Binds the parameters of {@link #deadLetterSql}. */
    final void bindDeadLetter(PreparedStatement ps, String group, Mutation m, String reason) throws SQLException {
        bindName(ps, 1, group);
        ps.setString(2, m.table().schema() + "." + m.table().name());
        ps.setString(3, m.key());
        ps.setLong(4, m.updated().wall());
        ps.setLong(5, m.updated().logical());
        ps.setString(6, m.after());
        ps.setString(7, m.before());
        ps.setString(8, reason);
        if (binary) {
            ps.setString(9, m.key());
        }
    }

    /** Reads the newest applied version of each key that has one. */
    abstract Map<RowKey, Hlc> appliedVersions(Connection c, String versions, String group, Collection<RowKey> keys)
            throws SQLException;

    /** Records applied versions; a version only moves forward. */
    abstract void recordVersions(Connection c, String versions, String group, Map<RowKey, Hlc> applied)
            throws SQLException;

    /** Deletes the versions at or below a timestamp. */
    abstract void retireVersions(Connection c, String versions, String group, Hlc upTo) throws SQLException;

    /**
     * The {@code CREATE TABLE IF NOT EXISTS} statement of the checkpoints: one row per group.
     *
     * @param table the table
     * @return the statement
     */
    abstract String createCheckpoints(String table);

    /** The columns of a checkpoint: the resolved version, then the applied one ({@link #bindVersion}). */
    final String checkpointColumns() {
        return checkpointColumns;
    }

    /**
     * Binds a version as the family stores it: two numbers, or (binary) one decimal.
     *
     * @return the next parameter index
     */
    abstract int bindVersion(PreparedStatement ps, int index, Hlc version) throws SQLException;

    /** Reads a version that {@link #bindVersion} wrote, at a column; see {@link #versionColumns()}. */
    abstract Hlc readVersion(ResultSet rs, int column) throws SQLException;

    /** How many columns a version takes. */
    final int versionColumns() {
        return versionColumns;
    }

    /**
     * The statement that ratchets a group's applied version: parameters group, then the version twice
     * (as the resolved version of a new row, and as the applied one).
     *
     * @param table the checkpoints
     * @return the statement
     */
    abstract String markAppliedSql(String table);

    /**
     * Moves a group's resolved version forward.
     *
     * @return whether it moved (or the group is new)
     */
    abstract boolean advanceResolved(Connection c, String table, String group, Hlc resolved) throws SQLException;

    /** The family's name, as {@link SqlStagingStore#toString()} shows it. */
    final String family() {
        return family;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(utf8(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
