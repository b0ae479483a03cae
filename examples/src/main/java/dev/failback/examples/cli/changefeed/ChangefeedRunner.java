package dev.failback.examples.cli.changefeed;

import dev.failback.Hlc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the changefeed on the CockroachDB source over JDBC (the PostgreSQL driver speaks to
 * CockroachDB): reads the cursor when the specification says "now", optionally applies cluster
 * settings, and runs {@code CREATE CHANGEFEED}. Each call takes one connection and closes it.
 * Thread-safe. Logs statements with their secrets masked.
 */
public final class ChangefeedRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChangefeedRunner.class);

    /** Opens a connection to the source. */
    @FunctionalInterface
    private interface Connector {
        Connection open() throws SQLException;
    }

    /**
     * What {@link #create(ChangefeedSpec)} did.
     *
     * @param jobId  the changefeed job ({@code SHOW CHANGEFEED JOB <jobId>})
     * @param spec   the specification run, with its cursor fixed
     */
    public record Created(long jobId, ChangefeedSpec spec) {
        /**
         * Returns the cursor the changefeed starts at.
         *
         * @return the cursor, never null
         */
        public Hlc cursor() {
            return spec.cursor().orElseThrow();
        }
    }

    private final Connector connector;

    private ChangefeedRunner(Connector connector) {
        this.connector = connector;
    }

    /**
     * A runner over a data source (connections are closed after each call, so a pool gets them back).
     *
     * @param dataSource connections to CockroachDB, never null
     * @return the runner, never null
     */
    public static ChangefeedRunner of(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new ChangefeedRunner(dataSource::getConnection);
    }

    /**
     * A runner over a JDBC URL ({@code jdbc:postgresql://host:26257/defaultdb?sslmode=verify-full…}).
     *
     * @param jdbcUrl  the URL, never null
     * @param user     the user, or null when in the URL
     * @param password the password, or null
     * @return the runner, never null
     */
    public static ChangefeedRunner of(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return new ChangefeedRunner(() -> user == null ? DriverManager.getConnection(jdbcUrl)
                : DriverManager.getConnection(jdbcUrl, user, password));
    }

    /**
     * Reads {@code SELECT cluster_logical_timestamp()}, the cluster's "now" as a changefeed cursor.
     *
     * @return the timestamp, never null
     * @throws ChangefeedException when the database is not CockroachDB ("not a CockroachDB cluster: …")
     *                             or the query fails
     */
    public Hlc clusterLogicalTimestamp() {
        try (Connection c = connect()) {
            return clusterLogicalTimestamp(c);
        } catch (SQLException e) {
            throw new ChangefeedException("cannot read cluster_logical_timestamp(): " + e.getMessage(), e);
        }
    }

    /**
     * Applies cluster settings, in order. Needs the {@code MODIFYCLUSTERSETTING} privilege (or admin).
     *
     * @param settings the settings, for example {@link ClusterSettings#recommended()}
     * @throws ChangefeedException when the database is not CockroachDB or a setting is refused; the
     *                             message names the setting
     */
    public void applyClusterSettings(List<ClusterSetting> settings) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            requireCockroach(c);
            for (ClusterSetting setting : settings) {
                try {
                    s.execute(setting.sql());
                } catch (SQLException e) {
                    throw new ChangefeedException("cannot apply " + setting.sql() + ": " + e.getMessage(), e);
                }
                LOG.info("Applied {}", setting.sql());
            }
        } catch (SQLException e) {
            throw new ChangefeedException("cannot apply cluster settings: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the changefeed, reading the cursor first when it is "now" (on the same connection).
     *
     * @param spec the changefeed, never null
     * @return the job id and the specification with its cursor, never null
     * @throws ChangefeedException when the database is not CockroachDB or the statement fails; the
     *                             message carries CockroachDB's reason (secrets masked)
     */
    public Created create(ChangefeedSpec spec) {
        Objects.requireNonNull(spec, "spec");
        try (Connection c = connect()) {
            ChangefeedSpec fixed = spec.cursor().isPresent() ? spec : spec.withCursor(clusterLogicalTimestamp(c));
            try (Statement s = c.createStatement()) {
                LOG.info("Running {}", fixed.sql(true).replace('\n', ' '));
                boolean hasRows;
                try {
                    hasRows = s.execute(fixed.sql(false));
                } catch (SQLException e) {
                    throw new ChangefeedException("CREATE CHANGEFEED failed: " + mask(e.getMessage(), fixed)
                            + " (statement: " + fixed.sql(true).replace('\n', ' ') + ")", null);
                }
                if (!hasRows) {
                    throw new ChangefeedException("CREATE CHANGEFEED returned no job id", null);
                }
                try (ResultSet rs = s.getResultSet()) {
                    if (!rs.next()) {
                        throw new ChangefeedException("CREATE CHANGEFEED returned no job id", null);
                    }
                    long jobId = rs.getLong(1);
                    LOG.info("Created changefeed job {} at cursor {}", jobId, fixed.cursor().orElseThrow());
                    return new Created(jobId, fixed);
                }
            }
        } catch (SQLException e) {
            throw new ChangefeedException("cannot create the changefeed: " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        return connector.open();
    }

    private static Hlc clusterLogicalTimestamp(Connection c) throws SQLException {
        requireCockroach(c);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT cluster_logical_timestamp()::STRING")) {
            rs.next();
            String text = rs.getString(1);
            try {
                return Hlc.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ChangefeedException("cluster_logical_timestamp() returned " + text + ": " + e.getMessage(), e);
            }
        }
    }

    private static void requireCockroach(Connection c) throws SQLException {
        String version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
            version = rs.next() ? rs.getString(1) : "";
        }
        if (version == null || !version.contains("CockroachDB")) {
            throw new ChangefeedException("not a CockroachDB cluster: " + c.getMetaData().getURL() + " answers \""
                    + version + "\"; point --sourceConn at the CockroachDB source", null);
        }
    }

    /** CockroachDB may echo the statement (with its secrets) in an error. */
    private static String mask(String message, ChangefeedSpec spec) {
        if (message == null) {
            return "";
        }
        String full = spec.cursor().isPresent() ? spec.sql(false) : null;
        String out = message;
        String unmasked = spec.sinkUri(false);
        out = out.replace(unmasked, spec.sinkUri(true));
        if (full != null) {
            out = out.replace(full, spec.sql(true));
        }
        return out.replaceAll("Bearer [^'\"\\s]+", "Bearer " + ChangefeedSpec.MASK);
    }
}
