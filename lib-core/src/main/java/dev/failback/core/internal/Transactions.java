package dev.failback.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs work in one transaction on a borrowed connection and leaves its auto-commit as it was. */
public final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {
    }

    /** Work on the connection; may throw. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs work in a transaction: commits when it returns, rolls back when it throws.
     *
     * @param c    the connection
     * @param work the work
     * @param <T>  its result
     * @return the work's result
     * @throws SQLException when the work or the commit fails
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        } finally {
            restoreAutoCommit(c, auto);
        }
    }

    /**
     * Rolls back after a failure; a rollback that fails too is added to the failure as suppressed.
     *
     * @param c     the connection
     * @param cause the failure that ends the transaction
     */
    public static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    public static void restoreAutoCommit(Connection c, boolean auto) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit", e);
        }
    }
}
