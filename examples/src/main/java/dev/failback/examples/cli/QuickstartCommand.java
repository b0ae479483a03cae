package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.EmbeddedPostgres;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.HrWorkload;
import dev.failback.testing.simulator.TargetVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback quickstart}: creates a throw-away schema (PostgreSQL) or database (MySQL/MariaDB) with the HR
 * tables, starts Failback on an ephemeral port, plays a simulated three-node changefeed into it, waits until the
 * final resolved timestamp is applied, and checks that the target equals the simulated source.
 *
 * <p>Without {@code --targetConn} or {@code $FAILBACK_QUICKSTART_URL}, it uses the local PostgreSQL, and when
 * nothing answers there an embedded PostgreSQL ({@link EmbeddedPostgres}) that it starts and deletes again.
 * SIGINT and SIGTERM stop the run, drop what it created, stop an embedded server and exit with 130 or 143.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Run a simulated CockroachDB changefeed into a fresh PostgreSQL schema or MySQL/MariaDB database"
            + " and check the result.",
            "Without --targetConn: the local PostgreSQL, else an embedded one started for the run.",
            "Exit code 0 when the target matches the source, 1 otherwise, 130/143 when stopped by SIGINT/SIGTERM."})
final class QuickstartCommand implements Callable<Integer> {
    /** The environment variable naming the database when --targetConn is not given. */
    static final String URL_ENV = "FAILBACK_QUICKSTART_URL";
    static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

    @Spec
    CommandSpec spec;

    @Option(names = "--targetConn", paramLabel = "URL",
            description = "The PostgreSQL or MySQL/MariaDB database to use (default: $" + URL_ENV + ", else "
                    + DEFAULT_URL + ", else an embedded PostgreSQL).")
    String targetConn;

    @Option(names = "--embedded", description = "Use an embedded PostgreSQL (started for the run, deleted at the end)"
            + " even when a local one answers.")
    boolean embedded;

    /** The local server tried first; tests point it at a closed port. */
    @Option(names = "--defaultConn", paramLabel = "URL", defaultValue = DEFAULT_URL, hidden = true)
    String defaultConn;

    @Option(names = "--transactions", paramLabel = "N", defaultValue = "2000", description = "Source transactions to simulate.")
    int transactions;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Simulated CockroachDB nodes sending in parallel.")
    int nodes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed; the same seed gives the same transactions.")
    long seed;

    @Option(names = "--maxBatch", paramLabel = "N", defaultValue = "20", description = "Most messages per webhook request.")
    int maxBatch;

    @Option(names = "--resolvedInterval", paramLabel = "DURATION", defaultValue = "250ms", converter = GoDuration.class,
            description = "How often resolved timestamps are sent.")
    Duration resolvedInterval;

    @Option(names = "--immediate", description = "Use immediate mode (the tables are created without foreign keys).")
    boolean immediate;

    @Option(names = "--schema", paramLabel = "NAME",
            description = "The schema (MySQL: database) to create, dropped first when it exists; its staging schema is"
                    + " NAME_staging (default: quickstart_<random>).")
    String schema;

    @Option(names = "--keep", description = "Keep the schema and its staging schema at the end (not with an embedded"
            + " PostgreSQL, which is deleted).")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = GoDuration.class,
            description = "Longest to wait for the final resolved timestamp to be applied.")
    Duration timeout;

    @Option(names = {"-v", "--verbose"}, description = "Log more: -v debug, -vv trace.",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    boolean[] verbose = new boolean[0];

    /** The signal (TERM, INT) that asked this run to stop, or null. */
    private volatile String signal;

    /** Whether a signal interrupts the main thread: only while the simulated changefeed runs. */
    private volatile boolean interruptible;

    /** What the run ends with: its exit code and the lines to print last, after the clean-up. */
    private record Outcome(int code, String out, String err) {
    }

    @Override
    public Integer call() throws Exception {
        if (transactions <= 0 || nodes <= 0 || maxBatch <= 0) {
            throw new ParameterException(spec.commandLine(), "--transactions, --nodes and --maxBatch must be positive");
        }
        String env = System.getenv(URL_ENV);
        if (embedded && targetConn != null) {
            throw new ParameterException(spec.commandLine(), "--embedded and --targetConn exclude each other");
        }
        String url = embedded ? null : targetConn != null ? targetConn : env != null && !env.isBlank() ? env : null;
        String name = schema != null ? schema : "quickstart_" + Long.toString(System.nanoTime() & 0xffffffffffL, 36);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new ParameterException(spec.commandLine(), "--schema must be a lower-case SQL identifier, but was " + name);
        }
        for (String u : url == null ? new String[] {defaultConn} : new String[] {url}) {
            try {
                if (ConnectionUrls.toJdbc(u).url().startsWith("jdbc:oracle:")) {
                    throw new ParameterException(spec.commandLine(), "the quickstart runs on PostgreSQL or MySQL/MariaDB,"
                            + " not Oracle: " + ConnectionUrls.mask(u));
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Logging.verbosity(verbose.length);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Thread main = Thread.currentThread();
        // Ctrl-C and SIGTERM only ask: this thread stops the run, drops what it created and stops an embedded server,
        // then exits with 128 + the signal's number (the run checked nothing); a second signal ends the JVM at once,
        // and the embedded server's shutdown hook still stops it.
        // Only the run is interrupted (the simulator's and the pipeline's waits end at an interrupt); zonky's start is
        // not, as it would leave initdb or the server running: the main thread looks at `signal` once it is done.
        Object previousHandlers = StartCommand.onSignals(sig -> {
            if (signal == null) {
                signal = sig;
                err.println("received SIG" + sig + ": stopping the quickstart and cleaning up");
                err.flush();
                if (interruptible) {
                    main.interrupt();
                }
            }
        });
        EmbeddedPostgres pg = null;
        Outcome outcome;
        try {
            if (url == null) {
                String why = embedded ? null : unusable(defaultConn);
                if (!embedded && why == null) {
                    url = defaultConn;
                } else {
                    pg = startEmbedded(why, out);
                    url = pg == null ? null : pg.jdbcUrl();
                }
            }
            outcome = url == null ? interruptedOrFailed(null) : quickstart(url, name, pg != null, out, err);
        } catch (IOException | RuntimeException e) {
            outcome = interruptedOrFailed(e);
        } finally {
            Thread.interrupted(); // a signal's interrupt must not break the clean-up
            if (pg != null) {
                try {
                    pg.close();
                    out.printf("stopped the embedded PostgreSQL and deleted %s%n", pg.dataDirectory());
                } catch (RuntimeException e) {
                    err.println("warning: " + e.getMessage());
                }
            }
            StartCommand.restoreSignals(previousHandlers);
            Thread.interrupted(); // a signal between the clean-up and here: the in-process caller's thread stays clean
        }
        if (outcome.out() != null) {
            out.print(outcome.out());
        }
        out.flush();
        if (outcome.err() != null) {
            err.print(outcome.err());
        }
        err.flush();
        return outcome.code();
    }

    /** Null when the default server lets the quickstart in, else why not (in the words of the line that says so). */
    private static String unusable(String conn) {
        String[] hostPort = hostPort(conn);
        if (hostPort != null && !listening(hostPort[0], Integer.parseInt(hostPort[1]))) {
            return "no PostgreSQL at " + hostPort[0] + ":" + hostPort[1];
        }
        String why = Pools.unreachable(conn);
        return why == null ? null : "cannot use the PostgreSQL at " + (hostPort == null ? ConnectionUrls.mask(conn)
                : hostPort[0] + ":" + hostPort[1]) + " (" + why + ")";
    }

    /** {host, port} of a postgres:// or jdbc:postgresql:// URL, or null when it does not say. */
    static String[] hostPort(String conn) {
        try {
            URI u = URI.create(conn.startsWith("jdbc:") ? conn.substring(5) : conn);
            if (u.getHost() == null) {
                return null;
            }
            return new String[] {u.getHost(), Integer.toString(u.getPort() < 0 ? 5432 : u.getPort())};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether something accepts a TCP connection at host:port within a second (a refused one answers at once). */
    private static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts the embedded server, saying so in one line; null when a signal came first. */
    private EmbeddedPostgres startEmbedded(String why, PrintWriter out) throws IOException {
        if (!EmbeddedPostgres.available()) {
            throw new IllegalStateException((why == null ? "" : why + "; ") + "failback.jar has no embedded PostgreSQL for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + " (it carries Linux x86_64 and arm64): start a PostgreSQL or pass --targetConn");
        }
        Path data = Files.createTempDirectory("failback-quickstart-pg-");
        out.printf("%sstarting an embedded PostgreSQL (data in %s)%n", why == null ? "" : why + "; ", data);
        out.flush();
        if (keep) {
            out.println("--keep keeps nothing of an embedded PostgreSQL: it is deleted at the end");
        }
        EmbeddedPostgres pg = EmbeddedPostgres.start(data);
        if (signal != null) { // it came while the server started
            pg.close();
            out.printf("stopped the embedded PostgreSQL and deleted %s%n", pg.dataDirectory());
            return null;
        }
        return pg;
    }

    private Outcome interruptedOrFailed(Exception e) {
        if (signal != null) {
            return interrupted();
        }
        return new Outcome(1, null, "error: " + (e == null ? "no database" : Pools.cause(e)) + System.lineSeparator());
    }

    /** 128 + the signal's number, after the clean-up: 130 for SIGINT (Ctrl-C), 143 for SIGTERM. */
    private Outcome interrupted() {
        return new Outcome("TERM".equals(signal) ? 143 : 130, null,
                "quickstart stopped by SIG" + signal + "; nothing was checked" + System.lineSeparator());
    }

    private Outcome quickstart(String url, String name, boolean onEmbedded, PrintWriter out, PrintWriter err)
            throws IOException {
        boolean mysql = ConnectionUrls.toJdbc(url).url().startsWith("jdbc:mysql:")
                || ConnectionUrls.toJdbc(url).url().startsWith("jdbc:mariadb:");
        String stagingSchema = name + "_staging";
        HrWorkload workload = new HrWorkload();
        try (HikariDataSource target = Pools.open("failback-quickstart", url, 16)) {
            String database;
            String server;
            boolean created = false;
            try {
                try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
                    server = serverName(c, mysql);
                    created = true; // from here on the clean-up drops both (they are dropped first when they exist)
                    if (mysql) {
                        database = name;
                        st.execute("DROP DATABASE IF EXISTS `" + stagingSchema + "`");
                        st.execute("DROP DATABASE IF EXISTS `" + name + "`");
                        st.execute("CREATE DATABASE `" + name + "`");
                        // UUID keys as CHAR(36) would compare 'a' = 'A' and drop trailing spaces, which Failback warns of
                        // at the first request (two source keys could become one row): the quickstart takes its advice
                        String keys = "VARCHAR(36) CHARACTER SET utf8mb4 COLLATE "
                                + (server.startsWith("MariaDB") ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin");
                        for (String ddl : workload.mysqlDdl(name, !immediate).split(";\n")) {
                            st.execute(ddl.replace("CHAR(36)", keys));
                        }
                    } else {
                        database = c.getCatalog();
                        st.execute("DROP SCHEMA IF EXISTS " + stagingSchema + " CASCADE");
                        st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                        st.execute("CREATE SCHEMA " + name);
                        for (String ddl : workload.postgresDdl(name, !immediate).split(";\n")) {
                            st.execute(ddl);
                        }
                    }
                }
                if (mysql) {
                    out.printf("quickstart: %s, database %s (staging %s), %d transactions from %d nodes, seed %d,"
                            + " %s mode%n", server, name, stagingSchema, transactions, nodes, seed,
                            immediate ? "immediate" : "consistent");
                } else {
                    out.printf("quickstart: %s%s, database %s, schema %s, %d transactions from %d nodes, seed %d,"
                            + " %s mode%n", onEmbedded ? "embedded " : "", server, database, name, transactions, nodes,
                            seed, immediate ? "immediate" : "consistent");
                }
                out.flush();
                interruptible = true;
                if (signal != null) { // it came during the set-up
                    return interrupted();
                }
                return run(target, mysql ? "/" + name : "/" + database + "/" + name, name, stagingSchema, workload, out);
            } catch (InterruptedException e) {
                return interrupted();
            } catch (Exception e) {
                return interruptedOrFailed(e);
            } finally {
                interruptible = false;
                Thread.interrupted(); // a signal's interrupt must not break the clean-up
                if (!created) {
                    // nothing to drop
                } else if (!keep || onEmbedded) {
                    dropSchemas(target, mysql, name, stagingSchema, out, err);
                } else {
                    out.printf("kept %s %s and %s%n", mysql ? "databases" : "schemas", name, stagingSchema);
                }
                out.flush();
            }
        } catch (RuntimeException e) { // the pool could not connect
            return interruptedOrFailed(e);
        }
    }

    private Outcome run(HikariDataSource target, String path, String name, String stagingSchema, HrWorkload workload,
            PrintWriter out) throws Exception {
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "failback-quickstart-progress");
            t.setDaemon(true);
            return t;
        });
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        try (Failback failback = Failback.builder().disableAuthentication()
                .name("quickstart")
                .target(target)
                .stagingSchema(stagingSchema)
                .createStagingSchema(true)
                .mode(immediate ? Mode.IMMEDIATE : Mode.CONSISTENT)
                .sink(sink)
                .start();
                ChangefeedSimulator sim = ChangefeedSimulator.builder()
                        .url("http://127.0.0.1:" + sink.port() + path)
                        .workload(workload)
                        .nodes(nodes)
                        .maxBatch(maxBatch)
                        .resolvedInterval(resolvedInterval)
                        .seed(seed)
                        .build()) {
            long t0 = System.nanoTime();
            long[] lastApplied = {0};
            progress.scheduleAtFixedRate(() -> {
                Status s = failback.status();
                long applied = s.counters().upserts() + s.counters().deletes();
                ChangefeedSimulator.Stats st = sim.stats();
                out.printf(Locale.ROOT, "[%5.1fs] sent %d/%d txns (%d rows, %d retries) | applied %d rows, %d rows/s"
                        + " | lag %s | backlog %d%n", (System.nanoTime() - t0) / 1e9, st.transactions(), transactions,
                        st.messages(), st.retries(), applied, applied - lastApplied[0],
                        GoDuration.format(s.targetLag().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)),
                        s.stagedBacklog());
                out.flush();
                lastApplied[0] = applied;
            }, 1, 1, TimeUnit.SECONDS);

            sim.start();
            sim.runTransactions(transactions);
            Hlc end = sim.finish(timeout);
            boolean applied = failback.awaitApplied(end, timeout);
            progress.shutdownNow();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Status status = failback.status();
            ChangefeedSimulator.Stats stats = sim.stats();
            long rows = status.counters().upserts() + status.counters().deletes();
            out.printf(Locale.ROOT, "transactions: %d%n", stats.transactions());
            out.printf(Locale.ROOT, "mutations:    %d (in %d requests, %d retries, %d resolved timestamps)%n",
                    stats.messages(), stats.posts(), stats.retries(), stats.resolvedSent());
            out.printf(Locale.ROOT, "elapsed:      %.1fs%n", elapsed);
            out.printf(Locale.ROOT, "applied:      %d rows in %d transactions (%.0f rows/s)%n", rows,
                    status.counters().windows(), rows / elapsed);
            if (!applied) {
                return new Outcome(1, null, String.format(Locale.ROOT, "the final resolved timestamp %s was not applied"
                        + " within %s (state %s, last error: %s)%n", end, GoDuration.format(timeout), failback.state(),
                        status.lastError()));
            }
            TargetVerifier.Report report = TargetVerifier.verify(target, name, sim.model());
            if (report.matches()) {
                return new Outcome(0, report + "target matches source" + System.lineSeparator(), null);
            }
            return new Outcome(1, null, report + "target does NOT match source" + System.lineSeparator());
        } finally {
            progress.shutdownNow();
            out.flush();
        }
    }

    /** "PostgreSQL 18.6", "MariaDB 10.11.6", "MySQL 8.4.3" (Connector/J calls MariaDB "MySQL 5.5.5"). */
    private static String serverName(Connection c, boolean mysql) throws SQLException {
        if (!mysql) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion()
                    .replaceAll("[ -].*", "");
        }
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            String v = rs.next() ? rs.getString(1) : "";
            return (v.contains("MariaDB") ? "MariaDB " : "MySQL ") + v.replaceAll("-.*", "");
        }
    }

    private static void dropSchemas(HikariDataSource target, boolean mysql, String name, String stagingSchema,
            PrintWriter out, PrintWriter err) {
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            if (mysql) {
                st.execute("DROP DATABASE IF EXISTS `" + name + "`");
                st.execute("DROP DATABASE IF EXISTS `" + stagingSchema + "`");
            } else {
                st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                st.execute("DROP SCHEMA IF EXISTS " + stagingSchema + " CASCADE");
            }
        } catch (SQLException e) {
            err.println("warning: could not drop " + name + " or " + stagingSchema + ": " + e.getMessage());
        }
    }
}
