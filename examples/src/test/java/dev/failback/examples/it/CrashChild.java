package dev.failback.examples.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.jetty.JettySink;

/**
 * The pipeline as a child process for {@link CrashIT}: a PostgreSQL target, staging in the target, the
 * Jetty sink on a fixed port. Prints {@code READY} once it accepts requests, then runs until killed.
 */
public final class CrashChild {
    private CrashChild() {
    }

    /**
     * Runs the pipeline.
     *
     * @param args JDBC URL, staging schema, port, mode (CONSISTENT or IMMEDIATE), flush size
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(args[0]);
        cfg.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(cfg);
        Failback failback = Failback.builder().disableAuthentication().name("crash-child").target(ds).stagingSchema(args[1])
                .createStagingSchema(true).mode(Mode.valueOf(args[3])).flushSize(Integer.parseInt(args[4]))
                .sink(JettySink.bind("127.0.0.1", Integer.parseInt(args[2]))).start();
        System.out.println("READY");
        System.out.flush();
        failback.awaitTermination(java.time.Duration.ofDays(1));
    }
}
