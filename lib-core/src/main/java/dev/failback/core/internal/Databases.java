package dev.failback.core.internal;

import dev.failback.FailbackConfig;
import dev.failback.FailbackConfigurationException;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start learns from, and sets up in, the databases besides the stores: whether a failure is a
 * database that does not answer yet (retried) or a configuration error (fatal), the deployment's
 * identity, and the lease fence in the target. Stateless.
 */
public final class Databases {
    private static final Logger LOG = LoggerFactory.getLogger(Databases.class);

    private Databases() {
    }

    /**
     * What a start failure means: {@link ErrorKind#TRANSIENT} for a database that does not answer (the start
     * is retried); {@link ErrorKind#CONFIGURATION} for wrong credentials, no such database or schema, no
     * privilege ({@link ErrorKind#configurationOrFatal}); else {@link ErrorKind#FATAL}. Only the first is retried.
     */
    static ErrorKind classify(Throwable e) {
        boolean unreachable = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String c = sql.getSQLState();
                if (ErrorKind.configurationOrFatal(c) == ErrorKind.CONFIGURATION) {
                    return ErrorKind.CONFIGURATION; // an operator must act: the start fails, named
                }
                unreachable |= c.startsWith("08");
            }
            unreachable |= t instanceof java.sql.SQLTransientConnectionException || t instanceof java.net.ConnectException;
        }
        return unreachable ? ErrorKind.TRANSIENT : ErrorKind.FATAL;
    }

    /**
     * The deployment's identity in a shared staging schema: the target's JDBC URL without credentials
     * and parameters. Groups are recorded with it, and only the deployment's own are resumed.
     */
    static String targetIdentity(DataSource target) {
        try (Connection c = target.getConnection()) {
            String url = String.valueOf(c.getMetaData().getURL());
            int q = url.indexOf('?');
            url = q < 0 ? url : url.substring(0, q);
            return url.replaceAll("//[^/@]*@", "//");
        } catch (SQLException e) {
            throw new FailbackConfigurationException("the target database is unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the fence in the target: in the staging schema when staging is in the target (no
     * {@code staging(...)} given), else in a schema {@value #TARGET_FENCE_SCHEMA} of the target. Without it (a dialect it does not
     * know, or no right to create it) several instances are not fenced: logged at WARN.
     */
    static TargetFence openFence(FailbackConfig config, Dialect dialect) {
        // From the configuration only, never from how a connection looks: every instance of a deployment
        // must find the same fence, whatever host name or proxy it reaches the databases through.
        boolean inTarget = config.staging().isEmpty() && config.stagingStore().isEmpty();
        String schema = inTarget ? config.stagingSchema() : TARGET_FENCE_SCHEMA;
        // a claim waits at most one renewal interval for the row; a fenced transaction idle for a TTL ends
        TargetFence f = TargetFence.of(config.target(), dialect, schema, config.leaseTtl(), config.leaseRenewal());
        if (f == null) {
            LOG.warn("{} - no lease fence for a {} target: run a single instance", config.name(), dialect.name());
            return null;
        }
        try {
            f.init();
        } catch (SQLException e) {
            if (!privilege(e)) {
                // unreachable: retried with the rest of the start; anything else stops it, named
                throw new FailbackConfigurationException("cannot create the lease fence " + f + " in the target: "
                        + e.getMessage(), e);
            }
            LOG.warn("{} - may not create the lease fence {} in the target ({}): instances sharing this staging"
                    + " are not fenced; run a single instance, or create it as docs/replicas.md says", config.name(), f,
                    e.getMessage());
            return null;
        }
        f.memoryKeys(config.versionGuardMemoryKeys());
        LOG.info("{} - lease fence and key versions in the target: {}", config.name(), f);
        return f;
    }

    /** Whether the database refused for want of a privilege (PostgreSQL 42501, MySQL 1044/1142, ORA-01031). */
    private static boolean privilege(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("42501".equals(sql.getSQLState()) || sql.getErrorCode() == 1044
                    || sql.getErrorCode() == 1142 || sql.getErrorCode() == 1031)) {
                return true;
            }
        }
        return false;
    }

    /** Where the fence goes in a target that does not hold the staging schema. */
    public static final String TARGET_FENCE_SCHEMA = "_failback";
}
