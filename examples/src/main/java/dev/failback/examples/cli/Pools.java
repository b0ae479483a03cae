package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.LinkedHashMap;
import java.util.Map;

/** Creates the HikariCP pools of the CLI. */
final class Pools {

    /**
     * Connector/J properties every MySQL/MariaDB pool gets unless the connection string sets them:
     * batched inserts rewritten into multi-row statements, client-side prepared statements (one round
     * trip per statement; Connector/J's server-side ones do not batch), a statement cache, and UTC
     * sessions so {@code TIMESTAMP} values are stored as the changefeed sent them.
     */
    static final Map<String, String> MYSQL_PROPERTIES = mysqlProperties();

    private Pools() {
    }

    private static Map<String, String> mysqlProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rewriteBatchedStatements", "true");
        p.put("useServerPrepStmts", "false");
        p.put("cachePrepStmts", "true");
        p.put("prepStmtCacheSize", "256");
        p.put("prepStmtCacheSqlLimit", "8192");
        p.put("sessionVariables", "time_zone='+00:00'");
        p.put("characterEncoding", "UTF-8");
        return java.util.Collections.unmodifiableMap(p);
    }

    /** How long {@link #unreachable} waits for a database. */
    static final int PROBE_SECONDS = 2;

    /**
     * Tries one connection within {@value #PROBE_SECONDS} s.
     *
     * @return null when the database answered, else why not (the root cause: refused, unknown host, bad password…)
     */
    static String unreachable(String connection) {
        try (HikariDataSource ds = probe("failback-probe", connection); java.sql.Connection c = ds.getConnection()) {
            return null;
        } catch (java.sql.SQLException | RuntimeException e) {
            return cause(e);
        }
    }

    /** A one-connection pool that opens nothing yet and gives up a connection attempt after {@value #PROBE_SECONDS} s. */
    static HikariDataSource probe(String poolName, String connection) {
        HikariConfig config = config(poolName, connection, 1);
        config.setConnectionTimeout(PROBE_SECONDS * 1000L);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** A failure's message and its root cause's, on one line. */
    static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    static HikariDataSource open(String poolName, String connection, int maxPoolSize) {
        return new HikariDataSource(config(poolName, connection, maxPoolSize));
    }

    /**
     * Opens a pool without connecting: a database that does not answer yet is found by the first use,
     * which {@code failback start} retries (it starts while the target is down and answers 503).
     */
    static HikariDataSource openLazily(String poolName, String connection, int maxPoolSize) {
        HikariConfig config = config(poolName, connection, maxPoolSize);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** The pool configuration for a connection string, with driver properties; opens nothing. */
    static HikariConfig config(String poolName, String connection, int maxPoolSize) {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc(connection);
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(jdbc.url());
        if (jdbc.user() != null) {
            config.setUsername(jdbc.user());
        }
        if (jdbc.password() != null) {
            config.setPassword(jdbc.password());
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (jdbc.url().startsWith("jdbc:mysql:") || jdbc.url().startsWith("jdbc:mariadb:")) {
            for (Map.Entry<String, String> e : MYSQL_PROPERTIES.entrySet()) {
                if (!jdbc.url().contains(e.getKey() + "=")) {
                    properties.put(e.getKey(), e.getValue());
                }
            }
        }
        properties.putAll(jdbc.properties());
        if (jdbc.pem() != null) {
            properties.putAll(PemKeyStores.connectorJProperties(jdbc.pem()));
        }
        properties.forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(Math.min(2, maxPoolSize));
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        return config;
    }
}
