package dev.failback.spi;

import dev.failback.Mutation;
import java.sql.SQLException;

/**
 * Where mutations the target rejects permanently (poison rows) are recorded so that they can be
 * skipped, with {@link dev.failback.Failback.Builder#deadLetter(boolean) deadLetter(true)} in
 * consistent mode. Optional: without one, dead-lettering is unavailable, and {@code deadLetter(true)}
 * in consistent mode is refused by {@link dev.failback.Failback.Builder#build() build()}. The built-in
 * staging stores implement this interface on the staging schema's {@code dead_letters} table.
 *
 * <p>Lifecycle: {@link Store}. Implementations are thread-safe.
 */
public interface DeadLetterStore extends Store {

    /**
     * Records a mutation the target rejected permanently. Idempotent on (schema, table, key, updated).
     * Must be durable when it returns: the window is committed without the mutation next.
     *
     * @param schema   the target schema, as the target spells it ({@code database.schema} on PostgreSQL)
     * @param mutation the rejected mutation
     * @param reason   why the target rejected it (message, SQLState)
     * @throws SQLException when the store is unreachable
     */
    void deadLetter(String schema, Mutation mutation, String reason) throws SQLException;
}
