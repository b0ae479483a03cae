package dev.failback.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Status;
import dev.failback.dialect.postgres.ApplyTechnique;
import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.examples.bench.BenchWorkload.Mutations;
import dev.failback.jetty.JettySink;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end benchmark of issue #7, one table per database (PostgreSQL, MariaDB), all measured in the
 * same run on the same change stream and schema:
 *
 * <ul>
 * <li><b>limit</b>: the fastest direct writes of the same rows into a fresh copy of the schema, no
 * HTTP, no staging (PostgreSQL COPY and multi-row upserts; MariaDB multi-row upserts and LOAD DATA);</li>
 * <li><b>failback consistent / immediate</b>: N concurrent senders POST the CockroachDB webhook bodies
 * to a {@link JettySink} as fast as they are accepted, resolved timestamps in order; the clock runs
 * from the first POST until the last resolved timestamp is applied;</li>
 * <li><b>debezium</b>: Debezium's JDBC sink task driven directly with the same events (when its jars
 * are on the classpath: see docs/benchmarks.md);</li>
 * <li><b>lag</b>: consistent mode at half its measured rate, a resolved timestamp every 250 ms,
 * resolved→applied lag per resolved timestamp.</li>
 * </ul>
 *
 * Every phase's target must equal the limit's (row counts and a checksum), or the run fails.
 * {@code java -cp "examples/target/failback.jar:$(cat examples/target/bench.classpath)"
 * dev.failback.examples.bench.ReplicationBenchmark [--db postgresql|mariadb|all] [--rows N] [--senders N]
 * [--batch N] [--seed N] [--lag-seconds N] [--lag-rates 25,50,75,90] [--source-rate N] [--debezium-batch N] [--warmup N] [--repeat N] [--flush-size N]}.
 */
public final class ReplicationBenchmark {
    /** Default mutations in the stream. */
    static final int DEFAULT_ROWS = 50_000;

    private ReplicationBenchmark() {
    }

    static final class Options {
        String db = "all";
        int rows = DEFAULT_ROWS;
        int senders = 8;
        /**
         * Messages per POST at most. The runbook's changefeed flushes at 1 MiB
         * ({@code webhook_sink_config='{"Flush":{"Bytes":1048576,"Frequency":"1s"}}'}), about 3,000 of
         * these 330-byte messages, and always before a resolved timestamp, which bounds most bodies first.
         */
        int batch = 3_000;
        long seed = 7;
        int lagSeconds = 15;
        /** The rates of the lag phases, in percent of the consistent phase's measured rate. */
        int[] lagRates = {25, 50, 75, 90};
        double sourceRate = 20_000;
        int debeziumBatch = 5_000;
        /**
         * Mutations of a separate stream run through every technique before the measured phases, so
         * that each is measured with its code compiled (as in a long-running replicator) rather than
         * while the JIT compiles it; 0 measures cold.
         */
        int warmup = 20_000;
        /** Runs of each measured phase; the table shows the run with the median rate. */
        int repeat = 3;
        /** Failback's {@code flushSize} (mutations per target transaction in consistent mode); 0 keeps the default. */
        int flushSize = 0;
        /** Failback's {@code largeTransactionRows}; 0 keeps the default. */
        int largeRows = 0;
        String pgUrl = env("FAILBACK_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        String mysqlUrl = env("FAILBACK_BENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/?user=root&password=");
        String pgDatabase = "failback_bench";

        static Options parse(String[] args) {
            return parse(args, new Options(), "usage: ReplicationBenchmark [--db postgresql|mariadb|all] [--rows N]"
                    + " [--senders N] [--batch N] [--seed N] [--lag-seconds N] [--lag-rates P,P,...|none] [--source-rate N]"
                    + " [--debezium-batch N] [--warmup N] [--repeat N] [--flush-size N] [--large-rows N] [--pg-url URL]"
                    + " [--mysql-url URL]");
        }

        /**
         * Reads options over defaults ({@link TransformBenchmark} has its own), printing {@code usage} for
         * {@code --help}.
         */
        static Options parse(String[] args, Options o, String usage) {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--db" -> o.db = v;
                    case "--rows" -> o.rows = Integer.parseInt(v);
                    case "--senders" -> o.senders = Integer.parseInt(v);
                    case "--batch" -> o.batch = Integer.parseInt(v);
                    case "--seed" -> o.seed = Long.parseLong(v);
                    case "--lag-seconds" -> o.lagSeconds = Integer.parseInt(v);
                    case "--lag-rates" -> o.lagRates = v.equals("none") ? new int[0] : java.util.Arrays.stream(v.split(","))
                            .map(String::trim).mapToInt(Integer::parseInt).toArray();
                    case "--source-rate" -> o.sourceRate = Double.parseDouble(v);
                    case "--debezium-batch" -> o.debeziumBatch = Integer.parseInt(v);
                    case "--warmup" -> o.warmup = Integer.parseInt(v);
                    case "--flush-size" -> o.flushSize = Integer.parseInt(v);
                    case "--large-rows" -> o.largeRows = Integer.parseInt(v);
                    case "--repeat" -> o.repeat = Math.max(1, Integer.parseInt(v));
                    case "--pg-url" -> o.pgUrl = v;
                    case "--mysql-url" -> o.mysqlUrl = v;
                    case "-h", "--help" -> {
                        System.out.println(usage);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
                }
                i++;
            }
            if (!List.of("all", "postgresql", "mariadb").contains(o.db)) {
                throw new IllegalArgumentException("--db must be postgresql, mariadb or all, but was " + o.db);
            }
            return o;
        }
    }

    /** One printed row. */
    record Row(String technique, long rows, long nanos, long cpuNanos, long peakHeap, String lag, String note) {
        double rate() {
            return nanos <= 0 ? 0 : rows / (nanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        Options o = Options.parse(args);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "Failback replication benchmark: %d cores, Java %s (%s), max heap %d MiB, %s %s%n",
                rt.availableProcessors(), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                rt.maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "options: --rows %d --senders %d --batch %d --seed %d --source-rate %.0f"
                + " --lag-seconds %d --debezium-batch %d --warmup %d --repeat %d%n", o.rows, o.senders, o.batch, o.seed,
                o.sourceRate, o.lagSeconds, o.debeziumBatch, o.warmup, o.repeat);
        System.out.println("workload: tables parent and child (FOREIGN KEY child.parent_id -> parent.id, index on it),"
                + " ~200-byte rows, 60% insert / 30% update / 10% delete (a deleted parent takes its children),"
                + " source transactions of 1-6 rows, resolved every 250 ms of source time");
        eachDb(o.db, o, db -> runDb(db, o));
    }

    /** One database's benchmark; returns its {@code summary} line. */
    interface DbRun {
        String run(BenchDb db) throws Exception;
    }

    /**
     * Runs a benchmark on PostgreSQL, MariaDB or both ({@code --db}), then prints their summary lines together.
     *
     * @param which postgresql, mariadb or all
     * @param o     the options with the databases' URLs
     * @param run   the benchmark of one database
     */
    static void eachDb(String which, Options o, DbRun run) throws Exception {
        List<String> summaries = new ArrayList<>();
        if (!which.equals("mariadb")) {
            summaries.add(run.run(BenchDb.Postgres.open(o.pgUrl, o.pgDatabase)));
        }
        if (!which.equals("postgresql")) {
            summaries.add(run.run(new BenchDb.MariaDb(o.mysqlUrl)));
        }
        System.out.println();
        summaries.forEach(System.out::println);
    }

    static void quietLogs() {
        dev.failback.examples.cli.Logging.quietUnlessAsked("warn");
        System.setProperty("org.jboss.logging.provider", "slf4j");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.setProperty("com.mchange.v2.log.MLog", "com.mchange.v2.log.slf4j.Slf4jMLog");
    }

    static String runDb(BenchDb db, Options o) throws Exception {
        System.out.println();
        System.out.println("=== " + db.kind() + ": " + db.version());
        long t0 = System.nanoTime();
        BenchWorkload workload = new BenchWorkload(o.seed);
        long startWall = System.currentTimeMillis() * 1_000_000L;
        ChangeStream stream = new ChangeStream(workload, o.rows, o.senders, o.batch, o.sourceRate, startWall);
        Mutations finalRows = workload.finalRows();
        System.out.printf(Locale.ROOT, "stream: %,d mutations in %,d source transactions (%.1f%% insert, %.1f%% update,"
                + " %.1f%% delete), %,d resolved; %,d bodies of <= %d messages, %.1f MiB JSON (%.0f B/message);"
                + " final state %,d parents + %,d children; generated in %.1f s%n",
                stream.messages, workload.transactions, 100.0 * workload.inserts / stream.messages,
                100.0 * workload.updates / stream.messages, 100.0 * workload.deletes / stream.messages,
                stream.resolved.length, stream.bodyCount(), o.batch, stream.bodyBytes / 1048576.0,
                (double) stream.bodyBytes / stream.messages, workload.liveParents(), workload.liveChildren(),
                (System.nanoTime() - t0) / 1e9);
        System.gc();
        System.out.printf(Locale.ROOT, "heap after GC holding the stream: %d MiB%n", Meter.heapAfterGc() >> 20);
        String run = Long.toString(System.nanoTime() & 0xfffff, 36);
        String expectedCounts = "parent " + workload.liveParents() + " ";
        List<Row> rows = new ArrayList<>();
        String phases = System.getProperty("bench.phases", "consistent,immediate,debezium");
        if (o.warmup > 0) {
            warmup(db, o, run, phases);
        }

        // ---- limit
        String expected = null;
        double limitRate = 0;
        String limitName = null;
        int n = 0;
        for (String technique : db.limitTechniques()) {
            List<Row> reps = new ArrayList<>();
            boolean wholeStream = true;
            for (int rep = 0; rep < o.repeat; rep++) {
                String schema = "fbb_" + run + "_limit" + n + "_" + rep;
                db.create(schema, true);
                try {
                    Meter m = new Meter().start();
                    BenchDb.Limit r = db.limit(technique, schema, stream.mutations, finalRows);
                    m.stop();
                    long heap = m.close();
                    if (r.rows() == 0) {
                        reps.add(new Row("limit: " + technique, 0, 0, 0, 0, "", r.note()));
                        break;
                    }
                    String sum;
                    try (Connection c = db.connect(schema)) {
                        sum = db.checksum(c, schema);
                    }
                    if (!sum.startsWith(expectedCounts) || !sum.contains(" child " + workload.liveChildren() + " ")) {
                        throw new IllegalStateException("limit " + technique + " wrote " + sum + ", expected "
                                + workload.liveParents() + " parents and " + workload.liveChildren() + " children");
                    }
                    if (expected == null) {
                        expected = sum;
                    } else if (!expected.equals(sum)) {
                        throw new IllegalStateException("limit " + technique + " wrote " + sum + " but " + expected
                                + " was expected");
                    }
                    wholeStream = r.wholeStream();
                    reps.add(new Row("limit: " + technique + (r.wholeStream() ? "" : " *"), r.rows(), r.nanos(),
                            m.cpuNanos, heap, "", r.note() + server(m, r.rows())));
                } finally {
                    db.drop(schema);
                }
            }
            n++;
            Row row = median(reps);
            rows.add(row);
            if (row.rows() > 0 && wholeStream && row.rate() > limitRate) {
                limitRate = row.rate();
                limitName = technique;
            }
        }
        System.out.printf(Locale.ROOT, "checksum of the final state (every phase must match): %s%n", expected);

        // ---- Failback
        LagPhase lag = new LagPhase();
        Row none = new Row("-", 0, 0, 0, 0, "", "");
        Row consistent = none;
        if (phases.contains("consistent")) {
            List<Row> reps = new ArrayList<>();
            for (int rep = 0; rep < o.repeat; rep++) {
                reps.add(failback(db, stream, Mode.CONSISTENT, "fbb_" + run + "_cons" + rep, expected, o, null,
                        new ArrayList<>()));
            }
            consistent = median(reps);
            rows.add(consistent);
        }
        Row immediate = none;
        if (phases.contains("immediate")) {
            List<Row> reps = new ArrayList<>();
            for (int rep = 0; rep < o.repeat; rep++) {
                reps.add(failback(db, stream, Mode.IMMEDIATE, "fbb_" + run + "_imm" + rep, expected, o, null,
                        new ArrayList<>()));
            }
            immediate = median(reps);
            rows.add(immediate);
        }

        // ---- Debezium
        Row debezium = null;
        if (!phases.contains("debezium")) {
            debezium = null;
        } else if (!DebeziumSinkRun.available()) {
            System.out.println("debezium: not on classpath");
            rows.add(new Row("debezium jdbc sink", 0, 0, 0, 0, "", "not on classpath"));
        } else {
            List<Row> reps = new ArrayList<>();
            for (int rep = 0; rep < o.repeat; rep++) {
                reps.add(debezium(db, stream, "fbb_" + run + "_dbz" + rep, expected, o, new ArrayList<>()));
            }
            debezium = median(reps);
            rows.add(debezium);
        }

        // ---- lag as the rate grows: last, on a pipeline of its own (its generator's state grows the heap)
        if (phases.contains("consistent") && o.lagRates.length > 0) {
            List<Row> out = new ArrayList<>();
            failback(db, stream, Mode.CONSISTENT, "fbb_" + run + "_lag", expected, o, lag, out, consistent.rate());
            rows.addAll(out.subList(1, out.size()));
        }

        print(db, rows, limitRate, debezium == null ? 0 : debezium.rate(), limitName);
        if (!lag.points.isEmpty()) {
            System.out.println();
            System.out.printf(Locale.ROOT, "%s: resolved→applied lag as the offered rate grows (consistent mode, a resolved"
                    + " timestamp every %d ms, %d s per rate; 100%% = the consistent phase's rate above, %,.0f rows/s)%n",
                    db.kind(), ChangeStream.RESOLVED_MILLIS, o.lagSeconds, consistent.rate());
            System.out.println("offered | offered rows/s | sent rows/s | lag p50 ms | lag p99 ms | lag max ms | resolved");
            System.out.println("--------+----------------+-------------+------------+------------+------------+---------");
            for (LagPhase.Point pt : lag.points) {
                System.out.printf(Locale.ROOT, "%6d%% | %,14.0f | %,11.0f | %10d | %10d | %10d | %8d%n", pt.percent(),
                        pt.offered(), pt.sent(), pt.p50(), pt.p99(), pt.max(), pt.resolved());
            }
        }
        String summary = String.format(Locale.ROOT, "summary db=%s consistent/limit=%.2f immediate/limit=%.2f"
                + " failback/debezium=%s", db.kind(), consistent.rate() / limitRate, immediate.rate() / limitRate,
                debezium == null ? "n/a" : String.format(Locale.ROOT, "%.2f", consistent.rate() / debezium.rate()));
        System.out.println(summary);
        return summary;
    }

    /** The database server's CPU per row during a phase, for a row's note; empty when unknown. */
    static String server(Meter m, long rows) {
        return m.serverCpuNanos < 0 ? "" : String.format(Locale.ROOT, "; database server CPU %.1f µs/row",
                m.serverCpuNanos / 1e3 / rows);
    }

    /**
     * The run with the median rate (the lower middle one of an even number), its note listing every run's rate.
     */
    static Row median(List<Row> reps) {
        if (reps.size() == 1) {
            return reps.get(0);
        }
        List<Row> sorted = new ArrayList<>(reps);
        sorted.sort(Comparator.comparingDouble(Row::rate));
        Row mid = sorted.get((sorted.size() - 1) / 2);
        StringBuilder runs = new StringBuilder();
        for (Row r : reps) {
            runs.append(runs.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", r.rate()));
        }
        return new Row(mid.technique(), mid.rows(), mid.nanos(), mid.cpuNanos(), mid.peakHeap(), mid.lag(),
                mid.note() + (mid.note().isEmpty() ? "" : "; ") + "median of " + reps.size() + " runs (" + runs
                        + " rows/s)");
    }

    /**
     * Runs a separate, smaller stream (another seed) through every technique, unmeasured, each into
     * its own scratch schema and checked like a measured phase; again, up to {@link #MAX_WARMUP_PASSES}
     * times, while the JIT compilers still spend a tenth of a pass compiling (with one C2 thread on 2
     * cores, its queue takes several passes to drain).
     */
    private static void warmup(BenchDb db, Options o, String run, String phases) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int pass = 1; pass <= MAX_WARMUP_PASSES; pass++) {
            long t0 = System.nanoTime();
            long jit0 = timed ? jit.getTotalCompilationTime() : 0;
            warmupPass(db, o, run + "w" + pass, phases);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double jitSeconds = timed ? (jit.getTotalCompilationTime() - jit0) / 1e3 : 0;
            System.out.printf(Locale.ROOT, "warm-up pass %d: %,d mutations (seed %d) through every technique, not measured,"
                    + " %.1f s; JIT compiling %.1f s%n", pass, o.warmup, o.seed + 1, seconds, jitSeconds);
            // settled: the compilers (up to 2 threads here) spent under a tenth of the pass compiling
            if (!timed || jitSeconds < 0.1 * seconds) {
                return;
            }
        }
    }

    /** Warm-up passes at most: each repeats the warm-up stream until the JIT compilers settle. */
    static final int MAX_WARMUP_PASSES = 3;

    private static void warmupPass(BenchDb db, Options o, String run, String phases) throws Exception {
        BenchWorkload workload = new BenchWorkload(o.seed + 1);
        ChangeStream stream = new ChangeStream(workload, o.warmup, o.senders, o.batch, o.sourceRate,
                System.currentTimeMillis() * 1_000_000L);
        Mutations finalRows = workload.finalRows();
        String expected = null;
        int n = 0;
        for (String technique : db.limitTechniques()) {
            String schema = "fbb_" + run + "_warm" + n++;
            db.create(schema, true);
            try {
                BenchDb.Limit r = db.limit(technique, schema, stream.mutations, finalRows);
                if (r.rows() > 0 && r.wholeStream() && expected == null) {
                    try (Connection c = db.connect(schema)) {
                        expected = db.checksum(c, schema);
                    }
                }
            } finally {
                db.drop(schema);
            }
        }
        List<Row> discarded = new ArrayList<>();
        if (phases.contains("consistent")) {
            failback(db, stream, Mode.CONSISTENT, "fbb_" + run + "_wcons", expected, o, null, discarded);
        }
        if (phases.contains("immediate")) {
            failback(db, stream, Mode.IMMEDIATE, "fbb_" + run + "_wimm", expected, o, null, discarded);
        }
        if (phases.contains("debezium") && DebeziumSinkRun.available()) {
            debezium(db, stream, "fbb_" + run + "_wdbz", expected, o, discarded);
        }
    }

    private static Row failback(BenchDb db, ChangeStream stream, Mode mode, String schema, String expected, Options o,
            LagPhase lag, List<Row> rows) throws Exception {
        return failback(db, stream, mode, schema, expected, o, lag, rows, 0);
    }

    /**
     * Runs the stream through Failback; with a lag phase, then runs it at each of {@code --lag-rates} of
     * {@code maxRate} (this run's own rate when 0).
     */
    private static Row failback(BenchDb db, ChangeStream stream, Mode mode, String schema, String expected, Options o,
            LagPhase lag, List<Row> rows, double maxRate) throws Exception {
        String label = "failback " + mode.name().toLowerCase(Locale.ROOT);
        db.create(schema, true);
        try (HikariDataSource target = db.pool(schema, o.senders + 4, "bench-" + schema)) {
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            Failback.Builder b = Failback.builder().name("bench-" + mode.name().toLowerCase(Locale.ROOT))
                    .disableAuthentication().target(target).stagingSchema(schema + "_staging")
                    .createStagingSchema(true).mode(mode).sink(sink);
            if (lag != null) {
                b.listener(lag);
            }
            if (o.flushSize > 0) {
                b.flushSize(o.flushSize);
            }
            if (o.largeRows > 0) {
                b.largeTransactionRows(o.largeRows);
            }
            String technique = System.getProperty("bench.pgTechnique");
            if (technique != null && db.kind().equals("postgresql")) {
                b.dialect(new PostgresDialect(ApplyTechnique.valueOf(technique)));
            }
            Row row;
            try (Failback f = b.start()) {
                HttpFeed feed = new HttpFeed(URI.create("http://127.0.0.1:" + sink.port() + db.path(schema)));
                Meter m = new Meter().start();
                long sendStart = System.nanoTime();
                feed.send(stream);
                long sentNanos = System.nanoTime() - sendStart;
                Hlc last = new Hlc(stream.lastResolved(), 0);
                if (!f.awaitApplied(last, Duration.ofMinutes(15))) {
                    throw new IllegalStateException(label + ": not applied after 15 minutes: " + f.status());
                }
                m.stop();
                long heap = m.close();
                Status st = f.status();
                String sum;
                try (Connection c = db.connect(schema)) {
                    sum = db.checksum(c, schema);
                }
                if (!sum.equals(expected)) {
                    throw new IllegalStateException(label + " wrote " + sum + " but the limit wrote " + expected);
                }
                row = new Row(label, stream.messages, m.nanos, m.cpuNanos - m.feedCpuNanos, heap, "",
                        String.format(Locale.ROOT, "%d senders, %d msgs/POST; last resolved acknowledged after %.2f s;"
                                + " %d target txns; answers %s, %d retried; the senders' own CPU %.1f µs/row, not in"
                                + " cpu µs/row", o.senders, o.batch, sentNanos / 1e9, st.counters().windows(),
                                feed.statusSummary(), feed.retries.get(), m.feedCpuNanos / 1e3 / stream.messages)
                                + server(m, stream.messages));
                rows.add(row);
                if (lag != null) {
                    for (int percent : o.lagRates) {
                        double max = maxRate > 0 ? maxRate : row.rate();
                        rows.add(lagPhase(db, stream.workload, f, feed, lag, max * percent / 100, percent, schema, o));
                    }
                }
            }
            return row;
        } finally {
            db.drop(schema);
        }
    }

    private static Row lagPhase(BenchDb db, BenchWorkload workload, Failback f, HttpFeed feed, LagPhase lag,
            double rate, int percent, String schema, Options o) throws Exception {
        lag.clearLags();
        int before = lag.generated.size;
        Meter m = new Meter().start();
        long last = lag.run(feed, workload, o.senders, o.batch, rate, o.lagSeconds);
        if (!f.awaitApplied(new Hlc(last, 0), Duration.ofMinutes(5))) {
            throw new IllegalStateException("lag phase: not applied after 5 minutes: " + f.status());
        }
        m.stop();
        long heap = m.close();
        // the expected state: the generator's current rows written directly into a scratch schema
        String scratch = schema + "_expect";
        db.create(scratch, true);
        String expected;
        String actual;
        try {
            Mutations now = workload.finalRows();
            db.limit(db.limitTechniques().get(1), scratch, now, now);
            try (Connection c = db.connect(scratch)) {
                expected = db.checksum(c, scratch);
                actual = db.checksum(c, schema);
            }
        } finally {
            db.drop(scratch);
        }
        if (!expected.equals(actual)) {
            throw new IllegalStateException("lag phase: target holds " + actual + " but " + expected + " was expected");
        }
        long[] lags = lag.lags();
        String p = String.format(Locale.ROOT, "%d/%d", LagPhase.percentile(lags, 50) / 1_000_000,
                LagPhase.percentile(lags, 99) / 1_000_000);
        int generated = lag.generated.size - before;
        long max = lags.length == 0 ? -1 : lags[lags.length - 1] / 1_000_000;
        lag.points.add(new LagPhase.Point(percent, rate, generated / (m.nanos / 1e9), LagPhase.percentile(lags, 50) / 1_000_000,
                LagPhase.percentile(lags, 99) / 1_000_000, max, lags.length));
        return new Row("failback consistent @" + percent + "% (lag)", generated, m.nanos, m.cpuNanos - m.feedCpuNanos,
                heap, p,
                String.format(Locale.ROOT, "offered %.0f rows/s for %d s, %d resolved measured, max %d ms",
                        rate, o.lagSeconds, lags.length, max));
    }

    private static Row debezium(BenchDb db, ChangeStream stream, String schema, String expected, Options o,
            List<Row> rows) throws Exception {
        String version = DebeziumSinkRun.version();
        String label = "debezium jdbc sink " + version;
        boolean fks = true;
        String fkFailure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            db.create(schema, fks);
            try {
                Meter m = new Meter().start();
                DebeziumSinkRun.Result r;
                try {
                    r = DebeziumSinkRun.run(stream.mutations, db.debeziumConnection(schema), o.debeziumBatch,
                            db.kind().equals("postgresql"));
                } catch (RuntimeException e) {
                    m.stop();
                    m.close();
                    String why = rootMessage(e);
                    if (fks && BenchDb.lower(why).contains("foreign key")) {
                        System.out.println("debezium failed with the FOREIGN KEY in place (" + why.replace('\n', ' ')
                                + "); measured again without it");
                        fkFailure = why.replace('\n', ' ');
                        fks = false;
                        continue;
                    }
                    throw e;
                }
                m.stop();
                long heap = m.close();
                String sum;
                try (Connection c = db.connect(schema)) {
                    sum = db.checksum(c, schema);
                }
                if (!sum.equals(expected)) {
                    throw new IllegalStateException(label + " wrote " + sum + " but the limit wrote " + expected
                            + "; first rows: " + firstRows(db, schema) + "; expected " + firstExpected(stream.workload));
                }
                Row row = new Row(label, stream.messages, r.putNanos(), m.cpuNanos, heap, "",
                        "put() time only; upsert, deletes, record_key, batch.size=" + o.debeziumBatch
                                + "; " + settings(r.config()) + (fks ? "" : "; schema WITHOUT the foreign key: with it, "
                                + fkFailure) + server(m, stream.messages));
                rows.add(row);
                return row;
            } finally {
                db.drop(schema);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** For a failed check: the first row of each table as the database holds it. */
    static String firstRows(BenchDb db, String schema) {
        StringBuilder sb = new StringBuilder();
        try (Connection c = db.connect(schema); java.sql.Statement st = c.createStatement()) {
            for (String t : BenchWorkload.TABLES) {
                try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM " + schema + "." + t + " ORDER BY id LIMIT 1")) {
                    if (rs.next()) {
                        sb.append(t).append('(');
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            sb.append(i > 1 ? ", " : "").append(rs.getString(i));
                        }
                        sb.append(") ");
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            sb.append(e.getMessage());
        }
        return sb.toString().trim();
    }

    /** For a failed check: the first row of each table as the stream left it. */
    static String firstExpected(BenchWorkload workload) {
        Mutations rows = workload.finalRows();
        StringBuilder sb = new StringBuilder();
        boolean child = false;
        for (int i = 0; i < rows.size; i++) {
            if (i == 0 || (!child && rows.table[i] == BenchWorkload.CHILD)) {
                child |= rows.table[i] == BenchWorkload.CHILD;
                sb.append(BenchWorkload.TABLES[rows.table[i]])
                        .append(BenchWorkload.after(rows.table[i], rows.id[i], rows.version[i], rows.parentId[i])).append(' ');
            }
        }
        return sb.toString().trim();
    }

    private static String settings(Map<String, String> cfg) {
        StringBuilder sb = new StringBuilder();
        for (String k : List.of("use.reduction.buffer", "dialect.postgres.unnest.insert.enabled")) {
            if (cfg.containsKey(k)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(cfg.get(k));
            }
        }
        String url = cfg.get("connection.url");
        sb.append(", url options ").append(url.contains("?") ? url.substring(url.indexOf('?') + 1) : "none");
        return sb.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = String.valueOf(t.getMessage());
        return msg.length() > 200 ? msg.substring(0, 200) + "…" : msg;
    }

    private static void print(BenchDb db, List<Row> rows, double limit, double debezium, String limitName) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%s: limit = %s (fastest technique applying the whole stream);"
                + " * = insert-only ceiling (final rows), not in the ratios; the lag rows run at a set rate, so no"
                + " ratios; cpu µs/row is this JVM's CPU per row, for Failback's rows without the senders' threads%n",
                db.kind(), limitName);
        String fmt = "%-38s | %9s | %7s | %9s | %6s | %9s | %13s | %9s | %9s%n";
        System.out.printf(Locale.ROOT, fmt, "technique", "rows", "seconds", "rows/s", "×limit", "×debezium",
                "lag p50/p99 ms", "peak heap", "cpu µs/row");
        System.out.println("-".repeat(38) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(7) + "-+-" + "-".repeat(9) + "-+-"
                + "-".repeat(6) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(13) + "-+-" + "-".repeat(9) + "-+-"
                + "-".repeat(9));
        for (Row r : rows) {
            if (r.rows() == 0) {
                System.out.printf(Locale.ROOT, fmt, r.technique(), "-", "-", r.note(), "", "", "", "", "");
                continue;
            }
            double rate = r.rate();
            System.out.printf(Locale.ROOT, fmt, r.technique(), String.format(Locale.ROOT, "%,d", r.rows()),
                    String.format(Locale.ROOT, "%.2f", r.nanos() / 1e9), String.format(Locale.ROOT, "%,.0f", rate),
                    limit > 0 && r.lag().isEmpty() ? String.format(Locale.ROOT, "%.2f", rate / limit) : "-",
                    debezium > 0 && r.lag().isEmpty() ? String.format(Locale.ROOT, "%.2f", rate / debezium) : "-",
                    r.lag().isEmpty() ? "-" : r.lag(), (r.peakHeap() >> 20) + " MiB",
                    r.cpuNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuNanos() / 1e3 / r.rows()));
        }
        for (Row r : rows) {
            if (r.rows() > 0 && r.note() != null && !r.note().isEmpty()) {
                System.out.println("  " + r.technique() + ": " + r.note());
            }
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
