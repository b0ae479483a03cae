package dev.failback.core.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.TestSchema;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline as a child process for {@link CrashIT} and {@link ChaosIT}: a PostgreSQL or MariaDB
 * target, staging in the target, the Jetty sink on a fixed port. Prints {@code READY} once it accepts
 * requests, then runs until killed. {@link #launch} starts one and {@link #killNine} kills it.
 */
public final class CrashChild {
    private CrashChild() {
    }

    /**
     * Runs the pipeline.
     *
     * @param args JDBC URL, staging schema, port, mode (CONSISTENT or IMMEDIATE), flush size, and optionally
     *             the path of a userscript to load
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(args[0]);
        cfg.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(cfg);
        Failback.Builder builder = Failback.builder().disableAuthentication().name("crash-child").target(ds)
                .stagingSchema(args[1]).createStagingSchema(true).mode(Mode.valueOf(args[3]))
                .flushSize(Integer.parseInt(args[4])).sink(JettySink.bind("127.0.0.1", Integer.parseInt(args[2])));
        if (args.length > 5) {
            builder.transforms(dev.failback.userscript.Userscript.load(java.nio.file.Path.of(args[5])));
        }
        Failback failback = builder.start();
        System.out.println("READY");
        System.out.flush();
        failback.awaitTermination(java.time.Duration.ofDays(1));
    }

    /**
     * Starts the pipeline in a child JVM and returns once it prints {@code READY}; its later output is
     * discarded.
     *
     * @param kind          the target database
     * @param stagingSchema the staging schema
     * @param port          the sink's port
     * @param mode          the mode
     * @param flushSize     the flush size
     * @param jvmOptions    extra JVM options
     * @return the running child
     * @throws IOException when it cannot start or exits before {@code READY}
     */
    static Process launch(TestSchema.Kind kind, String stagingSchema, int port, Mode mode, int flushSize,
            String... jvmOptions) throws IOException {
        return launch(kind, stagingSchema, port, mode, flushSize, List.of(), jvmOptions);
    }

    /**
     * Like {@link #launch(TestSchema.Kind, String, int, Mode, int, String...)}, with more arguments for
     * {@link #main} (a userscript's path).
     */
    static Process launch(TestSchema.Kind kind, String stagingSchema, int port, Mode mode, int flushSize,
            List<String> moreArgs, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                kind == TestSchema.Kind.POSTGRESQL ? TestDatabases.postgresUrl()
                        : TestDatabases.mysqlUrl() + "&rewriteBatchedStatements=true&sessionVariables=time_zone='%2B00:00'",
                stagingSchema, Integer.toString(port), mode.name(), Integer.toString(flushSize)));
        command.addAll(moreArgs);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            log.append(line).append('\n');
            if (line.equals("READY")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException e) {
                        // child died
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return child;
            }
        }
        child.destroyForcibly();
        throw new IOException("child did not start:\n" + log);
    }

    /**
     * Kills a child with SIGKILL (on Unix: no shutdown hooks, no graceful close) and waits for it.
     *
     * @param child the child
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException when it is still alive after 10 s
     */
    static void killNine(Process child) throws InterruptedException {
        child.destroyForcibly();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child " + child.pid() + " still alive 10 s after SIGKILL");
        }
    }
}
