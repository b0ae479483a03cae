package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.HrWorkload;
import dev.failback.testing.simulator.TargetVerifier;
import java.io.PrintWriter;
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
 * {@code failback quickstart}: creates a throw-away schema with the HR tables, starts Failback on an
 * ephemeral port, plays a simulated three-node changefeed into it, waits until the final resolved
 * timestamp is applied, and checks that the target equals the simulated source.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Run a simulated CockroachDB changefeed into a fresh PostgreSQL schema and check the result.",
            "Exit code 0 when the target matches the source, 1 otherwise."})
final class QuickstartCommand implements Callable<Integer> {
    /** The environment variable naming the database when --targetConn is not given. */
    static final String URL_ENV = "FAILBACK_QUICKSTART_URL";
    static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

    @Spec
    CommandSpec spec;

    @Option(names = "--targetConn", paramLabel = "URL",
            description = "The PostgreSQL database to use (default: $" + URL_ENV + ", else " + DEFAULT_URL + ").")
    String targetConn;

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
            description = "The schema to create (dropped first when it exists; default: quickstart_<random>).")
    String schema;

    @Option(names = "--keep", description = "Keep the schema and its staging schema at the end.")
    boolean keep;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = GoDuration.class,
            description = "Longest to wait for the final resolved timestamp to be applied.")
    Duration timeout;

    @Option(names = {"-v", "--verbose"}, description = "Log more: -v debug, -vv trace.",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    boolean[] verbose = new boolean[0];

    @Override
    public Integer call() throws Exception {
        if (transactions <= 0 || nodes <= 0 || maxBatch <= 0) {
            throw new ParameterException(spec.commandLine(), "--transactions, --nodes and --maxBatch must be positive");
        }
        String url = targetConn != null ? targetConn : System.getenv(URL_ENV) != null ? System.getenv(URL_ENV) : DEFAULT_URL;
        String name = schema != null ? schema : "quickstart_" + Long.toString(System.nanoTime() & 0xffffffffffL, 36);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new ParameterException(spec.commandLine(), "--schema must be a lower-case SQL identifier, but was " + name);
        }
        try {
            ConnectionUrls.toJdbc(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Logging.verbosity(verbose.length);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String stagingSchema = name + "_staging";
        HrWorkload workload = new HrWorkload();

        try (HikariDataSource target = Pools.open("failback-quickstart", url, 16)) {
            String database;
            try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
                database = c.getCatalog();
                st.execute("DROP SCHEMA IF EXISTS " + stagingSchema + " CASCADE");
                st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                st.execute("CREATE SCHEMA " + name);
                for (String ddl : workload.postgresDdl(name, !immediate).split(";\n")) {
                    st.execute(ddl);
                }
            }
            out.printf("quickstart: database %s, schema %s, %d transactions from %d nodes, seed %d, %s mode%n",
                    database, name, transactions, nodes, seed, immediate ? "immediate" : "consistent");
            out.flush();
            try {
                return run(target, database, name, stagingSchema, workload, out, err);
            } finally {
                if (!keep) {
                    dropSchemas(target, name, stagingSchema, err);
                } else {
                    out.printf("kept schemas %s and %s%n", name, stagingSchema);
                }
                out.flush();
            }
        } catch (RuntimeException | SQLException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int run(HikariDataSource target, String database, String name, String stagingSchema, HrWorkload workload,
            PrintWriter out, PrintWriter err) throws Exception {
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
                        .url("http://127.0.0.1:" + sink.port() + "/" + database + "/" + name)
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
                err.printf("the final resolved timestamp %s was not applied within %s (state %s, last error: %s)%n",
                        end, GoDuration.format(timeout), failback.state(), status.lastError());
                err.flush();
                return 1;
            }
            TargetVerifier.Report report = TargetVerifier.verify(target, name, sim.model());
            if (report.matches()) {
                out.print(report);
                out.println("target matches source");
                return 0;
            }
            err.print(report);
            err.println("target does NOT match source");
            err.flush();
            return 1;
        } finally {
            progress.shutdownNow();
            out.flush();
        }
    }

    private static void dropSchemas(HikariDataSource target, String name, String stagingSchema, PrintWriter err) {
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + stagingSchema + " CASCADE");
        } catch (SQLException e) {
            err.println("warning: could not drop schema " + name + ": " + e.getMessage());
        }
    }
}
