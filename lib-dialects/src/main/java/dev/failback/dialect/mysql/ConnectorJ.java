package dev.failback.dialect.mysql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Switches on Connector/J's {@code rewriteBatchedStatements} for one statement's lifetime, so that
 * {@link MySqlApplyTechnique#BATCH_REWRITE} works whatever the connection URL says, and restores the
 * previous value afterwards. Does nothing for other drivers. Connector/J is optional at run time:
 * its classes are touched only when they are present.
 */
final class ConnectorJ {
    private static final boolean PRESENT = present();

    private ConnectorJ() {
    }

    /** Restores the property on close. */
    interface Rewrite extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Enables batch rewriting on the connection if it is a Connector/J connection that has it off.
     *
     * @return what restores the previous setting, never null
     */
    static Rewrite rewriteBatches(Connection c) throws SQLException {
        if (!PRESENT) {
            return () -> { };
        }
        return Linked.enable(c);
    }

    /**
     * Whether batches on this connection are rewritten without our help (the URL sets
     * {@code rewriteBatchedStatements=true}); false for other drivers.
     */
    static boolean rewritesBatches(Connection c) throws SQLException {
        return PRESENT && Linked.enabled(c);
    }

    private static boolean present() {
        try {
            Class.forName("com.mysql.cj.jdbc.JdbcConnection", false, ConnectorJ.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Links against Connector/J; loaded only when it is on the class path. */
    private static final class Linked {
        static Rewrite enable(Connection c) throws SQLException {
            if (!c.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
                return () -> { };
            }
            com.mysql.cj.conf.RuntimeProperty<Boolean> p = property(c);
            if (Boolean.TRUE.equals(p.getValue())) {
                return () -> { };
            }
            p.setValue(true);
            return () -> p.setValue(false);
        }

        static boolean enabled(Connection c) throws SQLException {
            return c.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class) && Boolean.TRUE.equals(property(c).getValue());
        }

        private static com.mysql.cj.conf.RuntimeProperty<Boolean> property(Connection c) throws SQLException {
            return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getPropertySet()
                    .getBooleanProperty(com.mysql.cj.conf.PropertyKey.rewriteBatchedStatements);
        }
    }
}
