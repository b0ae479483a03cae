package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Creates the HikariCP pools of the CLI. */
final class Pools {
    private Pools() {
    }

    static HikariDataSource open(String poolName, String connection, int maxPoolSize) {
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
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(Math.min(2, maxPoolSize));
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        return new HikariDataSource(config);
    }
}
