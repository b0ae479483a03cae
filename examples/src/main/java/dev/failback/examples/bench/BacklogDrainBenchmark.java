package dev.failback.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.Status;
import dev.failback.core.internal.stage.StagingStores;
import dev.failback.spi.CheckpointStore;
import dev.failback.spi.StagingStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast a staged backlog drains, and in how little heap: fills PostgreSQL staging with
 * {@code rows} mutations straight through SQL (in the staging store's own table and format, checked by
 * reading a few back through {@link StagingStore#read}), records a resolved timestamp covering
 * them, then starts a pipeline in a child JVM with {@code -Xmx256m} and times it until everything is
 * applied. The backlog: source transactions of 4 rows (a parent, two children, an update of the
 * previous transaction's parent; one last transaction updates the last parent) over the benchmark's {@code parent}/{@code child} schema.
 * {@code java -cp examples/target/failback.jar dev.failback.examples.bench.BacklogDrainBenchmark [rows] [--xmx 256m]};
 * {@code -Dfailback.bench.childJvmArgs="..."} passes options to the child JVM (a flight recording, a log level).
 */
public final class BacklogDrainBenchmark {
    private static final long BASE_WALL = 1_760_000_000_000_000_000L;
    private static final Pattern RESULT = Pattern.compile("RESULT (.*)");

    private BacklogDrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        dev.failback.examples.cli.Logging.quietUnlessAsked("warn");
        int rows = 5_000_000;
        String xmx = "256m";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--xmx")) {
                xmx = args[++i];
            } else {
                rows = Integer.parseInt(args[i].replace("_", ""));
            }
        }
        run(rows, xmx, new ReplicationBenchmark.Options().pgUrl);
    }

    /**
     * Fills, drains in a child JVM, checks the target, prints the table.
     *
     * @return the summary line
     */
    static String run(int requested, String xmx, String pgUrl) throws Exception {
        int rows = requested - requested % 4;
        ReplicationBenchmark.Options o = new ReplicationBenchmark.Options();
        BenchDb.Postgres db = BenchDb.Postgres.open(pgUrl, o.pgDatabase);
        String schema = "fbd_" + Long.toString(System.nanoTime() & 0xfffff, 36);
        String group = o.pgDatabase + "." + schema;
        String staging = schema + "_staging";
        System.out.printf(Locale.ROOT, "Backlog drain benchmark: %s, %,d staged mutations, child JVM -Xmx%s, %d cores%n",
                db.version(), rows, xmx, Runtime.getRuntime().availableProcessors());
        db.create(schema, true);
        try (HikariDataSource ds = db.pool(schema, 2, "drain-fill")) {
            long t0 = System.nanoTime();
            StagingStores.Stores stores = StagingStores.postgres(ds, staging, true);
            StagingStore store = stores.staging();
            store.init();
            CheckpointStore checkpoints = stores.checkpoints();
            checkpoints.init();
            long lastWall = fill(ds, staging, schema, group, rows);
            check(store, group, schema);
            checkpoints.advanceResolved(group, new Hlc(lastWall, 0));
            long staged = store.count(group);
            if (staged != rows) {
                throw new IllegalStateException("staged " + staged + " mutations, expected " + rows);
            }
            System.out.printf(Locale.ROOT, "filled %,d staged mutations in %.1f s (bulk SQL into %s.mutations)%n",
                    staged, (System.nanoTime() - t0) / 1e9, staging);

            List<String> cmd = new ArrayList<>();
            cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
            cmd.add("-Xmx" + xmx);
            // for example -Dfailback.bench.childJvmArgs="-XX:StartFlightRecording=filename=drain.jfr"
            for (String a : System.getProperty("failback.bench.childJvmArgs", "").trim().split("\\s+")) {
                if (!a.isEmpty()) {
                    cmd.add(a);
                }
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Child.class.getName());
            cmd.add(schema);
            cmd.add(Long.toString(lastWall));
            cmd.add(Integer.toString(rows));
            cmd.add(pgUrl);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String result = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    Matcher m = RESULT.matcher(line);
                    if (m.find()) {
                        result = m.group(1);
                    } else {
                        System.out.println("  child: " + line);
                    }
                }
            }
            int exit = p.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("the child JVM failed (exit " + exit + ")");
            }
            // the target must hold the final state
            int txns = rows / 4;
            try (Connection c = ds.getConnection()) {
                String parents = BenchDb.one(c, "SELECT count(*) FROM " + schema + ".parent");
                String children = BenchDb.one(c, "SELECT count(*) FROM " + schema + ".child");
                String updated = BenchDb.one(c, "SELECT count(*) FROM " + schema + ".parent WHERE name LIKE '% rev 1'");
                String left = BenchDb.one(c, "SELECT count(*) FROM " + staging + ".mutations");
                if (!parents.equals(Integer.toString(txns)) || !children.equals(Integer.toString(2 * txns))
                        || !updated.equals(Integer.toString(txns)) || !left.equals("0")) {
                    throw new IllegalStateException("after the drain: " + parents + " parents, " + children + " children, "
                            + updated + " updated, " + left + " still staged; expected " + txns + ", " + 2 * txns + ", "
                            + txns + ", 0");
                }
            }
            String seconds = field(result, "seconds");
            String heap = field(result, "peakHeapMiB");
            System.out.println();
            String fmt = "%-22s | %10s | %8s | %9s | %17s | %14s | %10s%n";
            System.out.printf(Locale.ROOT, fmt, "phase", "rows", "seconds", "rows/s", "peak heap after GC",
                    "peak heap used", "cpu µs/row");
            System.out.printf(Locale.ROOT, fmt, "drain (child -Xmx" + xmx + ")", String.format(Locale.ROOT, "%,d", rows),
                    seconds, String.format(Locale.ROOT, "%,.0f", rows / Double.parseDouble(seconds)), heap + " MiB",
                    field(result, "peakUsedMiB") + " MiB", String.format(Locale.ROOT, "%.1f",
                            Double.parseDouble(field(result, "cpuSeconds")) * 1e6 / rows));
            System.out.println("  " + result);
            System.out.println();
            String summary = String.format(Locale.ROOT, "summary drain rows=%d seconds=%s peakHeapMiB=%s xmx=%s", rows,
                    seconds, heap, xmx);
            System.out.println(summary);
            return summary;
        } finally {
            db.drop(schema);
        }
    }

    private static String field(String result, String name) {
        Matcher m = Pattern.compile("(?:^| )" + name + "=(\\S+)").matcher(result);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + result);
        }
        return m.group(1);
    }

    /** Source transaction k (from 0) at wall BASE + k µs: parent k+1, children 2k+1 and 2k+2, and parent k updated. */
    private static long fill(HikariDataSource ds, String staging, String schema, String group, int rows) throws Exception {
        int txns = rows / 4;
        String m = staging + ".mutations";
        String parent = "'{\"balance\": ' || round(((id * 7919) % 100000000) / 100.0, 2) || ', \"email\": \"customer' || id"
                + " || '@example.com\", \"id\": ' || id || ', \"name\": \"Customer ' || id || ' rev ' || v || '\", \"note\": \"'"
                + " || md5(id::text || v::text) || ' ' || md5(v::text || id::text) || '\", \"status\": \"active\","
                + " \"updated_at\": \"2025-09-30T14:30:15.123Z\"}'";
        String child = "'{\"created_at\": \"2025-09-30T14:30:15.5Z\", \"id\": ' || id || ', \"note\": \"' || md5(id::text)"
                + " || '\", \"parent_id\": ' || pid || ', \"price\": ' || round(((id * 104729) % 10000000) / 100.0, 2) || ', \"qty\": '"
                + " || (id % 100 + 1) || ', \"sku\": \"SKU-' || id || '\"}'";
        try (Connection c = ds.getConnection()) {
            String pk = BenchDb.one(c, "SELECT conname FROM pg_constraint WHERE conrelid = '" + m + "'::regclass AND contype = 'p'");
            BenchDb.exec(c, "ALTER TABLE " + m + " DROP CONSTRAINT " + pk);
            String head = "INSERT INTO " + m + " (grp, wall, logical, tbl, key, tschema, after) SELECT '" + group
                    + "', " + BASE_WALL + " + k * 1000, 0, ";
            BenchDb.exec(c, head + "'parent', '[' || id || ']', '" + schema + "', " + parent.replace("v::text", "0::text")
                    .replace("' || v || '", "0") + " FROM (SELECT k, k + 1 AS id FROM generate_series(0::int8, " + (txns - 1)
                    + ") k) s");
            BenchDb.exec(c, head + "'child', '[' || id || ']', '" + schema + "', " + child + " FROM (SELECT k, 2 * k + j AS id,"
                    + " k + 1 AS pid FROM generate_series(0::int8, " + (txns - 1) + ") k, (VALUES (1), (2)) j(j)) s");
            BenchDb.exec(c, head + "'parent', '[' || id || ']', '" + schema + "', " + parent.replace("v::text", "1::text")
                    .replace("' || v || '", "1") + " FROM (SELECT k, k AS id FROM generate_series(1::int8, " + (txns - 1)
                    + ") k) s");
            // one more transaction so that the count is rows exactly: the last parent updated too
            BenchDb.exec(c, head + "'parent', '[' || id || ']', '" + schema + "', " + parent.replace("v::text", "1::text")
                    .replace("' || v || '", "1") + " FROM (SELECT " + txns + "::int8 AS k, " + txns + "::int8 AS id) s");
            BenchDb.exec(c, "ALTER TABLE " + m + " ADD PRIMARY KEY (grp, wall, logical, tbl, key)");
            BenchDb.exec(c, "ANALYZE " + m);
        }
        return BASE_WALL + txns * 1000L;
    }

    /** Reads the first transaction back through the store, to prove the bulk rows are in its format. */
    private static void check(StagingStore store, String group, String schema) throws Exception {
        List<Mutation> first = store.read(group, Hlc.ZERO, new Hlc(BASE_WALL, 0), null, 10);
        if (first.size() != 3 || !first.get(0).table().schema().equals(schema)
                || !first.get(0).table().name().equals("child") || !first.get(0).key().equals("[1]")
                || !first.get(2).table().name().equals("parent") || !first.get(2).key().equals("[1]")
                || !first.get(2).after().startsWith("{\"balance\": 79.19, \"email\": \"customer1@example.com\", \"id\": 1,")) {
            throw new IllegalStateException("the bulk-filled staging rows do not read back as expected: " + first);
        }
    }

    /** The child JVM: starts the pipeline on the staged backlog and reports time, heap and CPU. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            dev.failback.examples.cli.Logging.quietUnlessAsked("warn");
            String schema = args[0];
            Hlc last = new Hlc(Long.parseLong(args[1]), 0);
            long rows = Long.parseLong(args[2]);
            ReplicationBenchmark.Options o = new ReplicationBenchmark.Options();
            BenchDb.Postgres db = BenchDb.Postgres.open(args.length > 3 ? args[3] : o.pgUrl, o.pgDatabase);
            try (HikariDataSource target = db.pool(schema, 4, "drain")) {
                Meter meter = new Meter().start();
                long[] peakUsed = {0};
                Thread usedSampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peakUsed[0] = Math.max(peakUsed[0],
                                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                usedSampler.setDaemon(true);
                usedSampler.start();
                try (Failback f = Failback.builder().name("drain").disableAuthentication().target(target)
                        .stagingSchema(schema + "_staging").start()) {
                    Status s0 = f.status();
                    if (s0.stagedBacklog() != rows) {
                        throw new IllegalStateException("the pipeline sees a backlog of " + s0.stagedBacklog()
                                + ", expected " + rows + ": " + s0);
                    }
                    long next = System.nanoTime();
                    while (!f.awaitApplied(last, Duration.ofSeconds(30))) {
                        Status s = f.status();
                        if (s.state() == dev.failback.State.FAILED || s.state() == dev.failback.State.STOPPED) {
                            throw new IllegalStateException("pipeline stopped: " + s);
                        }
                        System.out.printf(Locale.ROOT, "%.0f s: backlog %,d, applied %s, heap after GC %d MiB, last error %s%n",
                                (System.nanoTime() - next) / 1e9, s.stagedBacklog(), s.lastResolvedApplied(),
                                Meter.heapAfterGc() >> 20, s.lastError());
                    }
                    meter.stop();
                    Status s = f.status();
                    long heap = meter.close();
                    usedSampler.interrupt();
                    System.out.printf(Locale.ROOT, "RESULT seconds=%.2f peakHeapAfterGcMiB=%d peakHeapMiB=%d"
                            + " peakUsedMiB=%d cpuSeconds=%.2f windows=%d upserts=%d deletes=%d maxHeapMiB=%d%n",
                            meter.nanos / 1e9, heap >> 20, heap >> 20, peakUsed[0] >> 20, meter.cpuNanos / 1e9,
                            s.counters().windows(), s.counters().upserts(), s.counters().deletes(),
                            Runtime.getRuntime().maxMemory() >> 20);
                }
            }
        }
    }
}
