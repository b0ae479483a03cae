package dev.failback.spi;

import dev.failback.Hlc;
import dev.failback.TableName;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

/**
 * Immediate mode's applied key versions: the newest version applied of each key changed since the
 * last resolved timestamp, so that an older version of a row, re-sent by the changefeed, never
 * overwrites a newer one. Failback keeps these versions in memory up to a bound and spills them here
 * only past it; a resolved timestamp retires those it covers, since mutations that old are dropped on
 * arrival anyway. Not used in consistent mode.
 *
 * <p>Lifecycle: {@link Store}. Implementations are thread-safe. The built-in staging stores implement
 * this interface on the staging schema's {@code versions} table.
 */
public interface VersionStore extends Store {

    /**
     * The newest applied version of each of these keys, when recorded.
     *
     * @param schema the target schema, as the target spells it ({@code database.schema} on PostgreSQL)
     * @param keys   the keys asked about
     * @return recorded versions, by key; keys never applied are absent
     * @throws SQLException when the store is unreachable
     */
    Map<RowKey, Hlc> appliedVersions(String schema, Collection<RowKey> keys) throws SQLException;

    /**
     * Records applied versions (never moving a key's version backwards).
     *
     * @param schema   the target schema
     * @param versions the versions applied
     * @throws SQLException when the store is unreachable
     */
    void recordVersions(String schema, Map<RowKey, Hlc> versions) throws SQLException;

    /**
     * Forgets versions up to {@code upTo}; mutations that old are dropped on arrival anyway.
     *
     * @param schema the target schema
     * @param upTo   inclusive bound
     * @throws SQLException when the store is unreachable
     */
    void retireVersions(String schema, Hlc upTo) throws SQLException;

    /**
     * Whether any versions of a target schema are recorded. Immediate mode keeps versions in memory and
     * spills them here only past a bound; when this says none are left, it stops looking here. The
     * default, true, keeps it looking.
     *
     * @param schema the target schema
     * @return false only when no version of the target schema is recorded
     * @throws SQLException when the store is unreachable
     */
    default boolean holdsVersions(String schema) throws SQLException {
        return true;
    }

    /**
     * A row's identity: its table and primary-key JSON array text.
     *
     * @param table the table
     * @param key   the key JSON text
     */
    record RowKey(TableName table, String key) {
    }
}
