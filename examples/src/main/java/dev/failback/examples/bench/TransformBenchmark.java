package dev.failback.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.TableName;
import dev.failback.examples.bench.BenchWorkload.Mutations;
import dev.failback.examples.bench.ReplicationBenchmark.Options;
import dev.failback.jetty.JettySink;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.SchemaTransform;
import dev.failback.transform.TableTransform;
import dev.failback.transform.Transforms;
import dev.failback.userscript.Userscript;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What transforms cost on the hot path (issue #16): end-to-end replication rows/s of consistent mode on
 * {@link ReplicationBenchmark}'s change stream ({@link BenchWorkload}: tables {@code parent} and
 * {@code child}, 60 % insert / 30 % update / 10 % delete), POSTed by 8 senders to a {@link JettySink}
 * exactly as there (clock from the first POST until the last resolved timestamp is applied), in one run,
 * for four variants of the same pipeline:
 *
 * <ul>
 * <li><b>none</b>: no transforms (the path without {@code transforms(...)});</li>
 * <li><b>java-noop</b>: a Java {@link SchemaTransform} on the target schema returning
 * {@code Route.row(row)} for upserts and deletes;</li>
 * <li><b>script-noop</b>: a userscript loaded with {@link Userscript#load(Path)}:
 * {@code api.configureTargetSchema(schema, {onRowUpsert: r => r, onRowDelete: r => r})};</li>
 * <li><b>script-cookbook</b>: a userscript of the cookbook's intents on the benchmark's tables: the
 * parent's email masked ({@code ***@example.com}), its free-text {@code note} dropped (the target keeps
 * NULL), the child's {@code note} replaced by the order total computed from {@code price × qty}, and the
 * rare child rows with {@code qty = 1} skipped (about 0.1 %).</li>
 * </ul>
 *
 * The scripts are written to a temporary directory at run time, the target schema's name (the webhook
 * path's parts joined with {@code .}: {@code failback_bench.<schema>} on PostgreSQL, the database name on
 * MariaDB) substituted. Each script is loaded once per database and the same engine serves the warm-up
 * and every measured run (the pipeline's close does not close it), so GraalJS is measured warm.
 *
 * <p>Before measuring, a separate stream ({@code --warmup} mutations, seed + 1) runs through every
 * variant, again (up to 3 passes) while the JIT compilers spend more than a tenth of a pass compiling.
 * The measured runs then alternate the variants ({@code none, java-noop, script-noop, script-cookbook},
 * {@code --repeat} times) so that drift of the machine spreads over all of them; each variant reports
 * its median rate, the transform's cost per row estimated as {@code 1/rate − 1/rate(none)} (µs), and the
 * ratio to {@code none}.
 *
 * <p>Every run's target is checked: the no-op variants must equal the stream's final rows written
 * directly (the limit of {@link ReplicationBenchmark}), the cookbook script must equal a run of the same
 * cookbook written in Java ({@code java-cookbook}, run once on the measured stream and shown for
 * reference, not in the summary), and the cookbook must have changed the rows. Ends with one line per
 * database: {@code summary db=postgresql none=… java-noop=… script-noop=… script-cookbook=…} (rows/s).
 *
 * <p>{@code java -cp "examples/target/failback.jar:$(cat examples/target/bench.classpath)"
 * dev.failback.examples.bench.TransformBenchmark [--db postgresql|mariadb|all] [--rows N] [--repeat N]
 * [--warmup N] [--senders N] [--batch N] [--seed N] [--pg-url URL] [--mysql-url URL]}.
 */
public final class TransformBenchmark {
    /** Default mutations in the measured stream: about 10-20 s for the userscript variants on 2 cores. */
    static final int DEFAULT_ROWS = 250_000;

    static final List<String> VARIANTS = List.of("none", "java-noop", "script-noop", "script-cookbook");

    private TransformBenchmark() {
    }

    /** The options of {@link ReplicationBenchmark} that apply here, with this benchmark's defaults. */
    static Options options(String[] args) {
        Options defaults = new Options();
        defaults.db = "postgresql";
        defaults.rows = DEFAULT_ROWS;
        return Options.parse(args, defaults, "usage: TransformBenchmark [--db postgresql|mariadb|all]"
                + " [--rows N] [--repeat N] [--warmup N] [--senders N] [--batch N] [--seed N] [--pg-url URL]"
                + " [--mysql-url URL]");
    }

    /** One measured run. */
    record Run(String variant, long rows, long nanos, long cpuNanos, String checksum) {
        double rate() {
            return nanos <= 0 ? 0 : rows / (nanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        Options o = options(args);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "Failback transform benchmark: %d cores, Java %s (%s), max heap %d MiB, %s %s,"
                + " load average %.2f%n", rt.availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), rt.maxMemory() >> 20, System.getProperty("os.name"),
                System.getProperty("os.arch"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "options: --rows %d --senders %d --batch %d --seed %d --warmup %d --repeat %d;"
                + " consistent mode, variants %s alternated%n", o.rows, o.senders, o.batch, o.seed, o.warmup, o.repeat,
                String.join(", ", VARIANTS));
        ReplicationBenchmark.eachDb(o.db, o, db -> runDb(db, o));
    }

    private static void quietLogs() {
        ReplicationBenchmark.quietLogs();
        // every run starts a pipeline without authentication on 127.0.0.1: its warning once per run is noise here
        if (System.getProperty("failback.log.level") == null) {
            dev.failback.examples.cli.Logging.level("dev.failback.core.internal.Pipeline", "error");
        }
    }

    // ---- the transforms

    /** The no-op userscript. */
    static final String SCRIPT_NOOP = """
            import * as api from "replicator@v2";

            api.configureTargetSchema("__SCHEMA__", {
              onRowUpsert: (row: any) => row,
              onRowDelete: (row: any) => row,
            });
            """;

    /** The cookbook userscript on the benchmark's tables; {@link #javaCookbook} does the same in Java. */
    static final String SCRIPT_COOKBOOK = """
            // The cookbook's intents on the benchmark's tables (numbers arrive as decimal strings, as in MOLT).
            import * as api from "replicator@v2";

            type Row = { [column: string]: any };

            function cents(decimal: string): number {
              return Math.round(Number(decimal) * 100);
            }

            api.configureTargetSchema("__SCHEMA__", {
              onRowUpsert: (row: Row, meta: any) => {
                switch (meta.table) {
                  case "parent": {
                    const email: string = row.email;
                    row.email = "***" + email.substring(email.indexOf("@")); // masked
                    delete row.note; // the target does not need the free-text note (it keeps NULL)
                    return row;
                  }
                  case "child": {
                    const qty = Number(row.qty);
                    if (qty === 1) {
                      return null; // rare single-item rows are not replicated
                    }
                    row.note = "total " + ((cents(row.price) * qty) / 100).toFixed(2); // derived
                    return row;
                  }
                  default:
                    return row;
                }
              },
              onRowDelete: (row: Row) => row,
            });
            """;

    /** Route.row(row) for both handlers. */
    static final SchemaTransform JAVA_NOOP = new SchemaTransform() {
        @Override
        public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
            return Route.row(row);
        }

        @Override
        public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
            return Route.row(row);
        }
    };

    /** {@link #SCRIPT_COOKBOOK} in Java: the reference its target is checked against. */
    static final SchemaTransform JAVA_COOKBOOK = new SchemaTransform() {
        @Override
        public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
            return javaCookbook(row, meta);
        }

        @Override
        public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
            return Route.row(row);
        }
    };

    static Route javaCookbook(Map<String, Object> row, RowMeta meta) {
        switch (meta.table()) {
            case "parent" -> {
                String email = (String) row.get("email");
                row.put("email", "***" + email.substring(email.indexOf('@')));
                row.remove("note");
            }
            case "child" -> {
                BigDecimal qty = decimal(row.get("qty"));
                if (qty.compareTo(BigDecimal.ONE) == 0) {
                    return Route.skip();
                }
                BigDecimal total = decimal(row.get("price")).setScale(2, RoundingMode.HALF_UP).multiply(qty);
                row.put("note", "total " + total.setScale(2, RoundingMode.HALF_UP).toPlainString());
            }
            default -> {
            }
        }
        return Route.row(row);
    }

    private static BigDecimal decimal(Object v) {
        return v instanceof BigDecimal d ? d : new BigDecimal(String.valueOf(v));
    }

    /** The transforms of one variant for one schema; the pipeline's close leaves them open. */
    private static Transforms transforms(String variant, String schemaName, Path dir, List<Transforms> opened)
            throws IOException {
        Transforms t = switch (variant) {
            case "none" -> null;
            case "java-noop" -> Transforms.builder().schema(schemaName, JAVA_NOOP).build();
            case "java-cookbook" -> Transforms.builder().schema(schemaName, JAVA_COOKBOOK).build();
            case "script-noop", "script-cookbook" -> {
                Path file = dir.resolve(variant + ".ts");
                Files.writeString(file, (variant.equals("script-noop") ? SCRIPT_NOOP : SCRIPT_COOKBOOK)
                        .replace("__SCHEMA__", schemaName));
                Transforms loaded = Userscript.load(file);
                opened.add(loaded);
                yield loaded;
            }
            default -> throw new IllegalArgumentException(variant);
        };
        return t == null ? null : unclosable(t);
    }

    private static Transforms unclosable(Transforms t) {
        return new Transforms() {
            @Override
            public SchemaTransform schema(String schema) {
                return t.schema(schema);
            }

            @Override
            public TableTransform table(String schema, TableName table) {
                return t.table(schema, table);
            }
        };
    }

    // ---- the runs

    static String runDb(BenchDb db, Options o) throws Exception {
        System.out.println();
        System.out.println("=== " + db.kind() + ": " + db.version());
        String run = Long.toString(System.nanoTime() & 0xfffff, 36);
        // one target schema per database, created afresh for every run: the scripts name it
        String schema = "fbb_" + run + "_tf";
        String schemaName = db.path(schema).substring(1).replace('/', '.');
        Path dir = Files.createTempDirectory("failback-transform-bench");
        List<Transforms> opened = new ArrayList<>();
        Map<String, Transforms> byVariant = new LinkedHashMap<>();
        try {
            for (String v : VARIANTS) {
                byVariant.put(v, transforms(v, schemaName, dir, opened));
            }
            byVariant.put("java-cookbook", transforms("java-cookbook", schemaName, dir, opened));
            System.out.printf(Locale.ROOT, "target schema %s (as transforms name it: %s); scripts in %s%n", schema,
                    schemaName, dir);

            if (o.warmup > 0) {
                warmup(db, o, schema, byVariant);
            }

            long t0 = System.nanoTime();
            BenchWorkload workload = new BenchWorkload(o.seed);
            ChangeStream stream = new ChangeStream(workload, o.rows, o.senders, o.batch, o.sourceRate,
                    System.currentTimeMillis() * 1_000_000L);
            System.out.printf(Locale.ROOT, "stream: %,d mutations in %,d source transactions, %,d resolved, %,d bodies,"
                    + " %.1f MiB JSON; final state %,d parents + %,d children; generated in %.1f s%n", stream.messages,
                    workload.transactions, stream.resolved.length, stream.bodyCount(), stream.bodyBytes / 1048576.0,
                    workload.liveParents(), workload.liveChildren(), (System.nanoTime() - t0) / 1e9);
            String expected = expected(db, schema, workload);
            Run reference = failback(db, stream, "java-cookbook", schema, byVariant.get("java-cookbook"), null, o);
            String cookbook = reference.checksum();
            if (cookbook.equals(expected)) {
                throw new IllegalStateException("the cookbook changed nothing: " + cookbook);
            }
            System.out.printf(Locale.ROOT, "checksum of the final rows (none and the no-ops must match): %s%n", expected);
            System.out.printf(Locale.ROOT, "checksum of the cookbook (script-cookbook must match java-cookbook): %s%n",
                    cookbook);

            Map<String, List<Run>> runs = new LinkedHashMap<>();
            VARIANTS.forEach(v -> runs.put(v, new ArrayList<>()));
            for (int rep = 0; rep < o.repeat; rep++) {
                for (String v : VARIANTS) {
                    Run r = failback(db, stream, v, schema, byVariant.get(v),
                            v.equals("script-cookbook") ? cookbook : expected, o);
                    runs.get(v).add(r);
                    System.out.printf(Locale.ROOT, "  run %d %-16s %,9.0f rows/s  (%.2f s)%n", rep + 1, v, r.rate(),
                            r.nanos() / 1e9);
                }
            }
            return print(db, o, runs, reference);
        } finally {
            for (Transforms t : opened) {
                t.close();
            }
            db.drop(schema);
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The checksum of the stream's final rows written directly (no Failback). */
    private static String expected(BenchDb db, String schema, BenchWorkload workload) throws Exception {
        db.create(schema, true);
        try {
            Mutations now = workload.finalRows();
            db.limit(db.limitTechniques().get(1), schema, now, now);
            try (Connection c = db.connect(schema)) {
                return db.checksum(c, schema);
            }
        } finally {
            db.drop(schema);
        }
    }

    /**
     * Runs the warm-up stream through every variant (and the Java cookbook), unmeasured but checked; again,
     * up to 3 passes, while the JIT compilers still spend a tenth of a pass compiling.
     */
    private static void warmup(BenchDb db, Options o, String schema, Map<String, Transforms> byVariant)
            throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        BenchWorkload workload = new BenchWorkload(o.seed + 1);
        ChangeStream stream = new ChangeStream(workload, o.warmup, o.senders, o.batch, o.sourceRate,
                System.currentTimeMillis() * 1_000_000L);
        String expected = expected(db, schema, workload);
        for (int pass = 1; pass <= 3; pass++) {
            long t0 = System.nanoTime();
            long jit0 = timed ? jit.getTotalCompilationTime() : 0;
            String cookbook = failback(db, stream, "java-cookbook", schema, byVariant.get("java-cookbook"), null, o)
                    .checksum();
            StringBuilder rates = new StringBuilder();
            for (String v : VARIANTS) {
                Run r = failback(db, stream, v, schema, byVariant.get(v), v.equals("script-cookbook") ? cookbook
                        : expected, o);
                rates.append(rates.length() == 0 ? "" : ", ").append(v).append(' ')
                        .append(String.format(Locale.ROOT, "%,.0f", r.rate()));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double jitSeconds = timed ? (jit.getTotalCompilationTime() - jit0) / 1e3 : 0;
            System.out.printf(Locale.ROOT, "warm-up pass %d: %,d mutations (seed %d) through every variant, not measured"
                    + " (%s rows/s), %.1f s; JIT compiling %.1f s%n", pass, stream.messages, o.seed + 1, rates, seconds,
                    jitSeconds);
            if (!timed || jitSeconds < 0.1 * seconds) {
                return;
            }
        }
    }

    /** One consistent-mode run into a fresh copy of the schema; checked against {@code expected} when given. */
    private static Run failback(BenchDb db, ChangeStream stream, String variant, String schema, Transforms transforms,
            String expected, Options o) throws Exception {
        db.create(schema, true);
        try (HikariDataSource target = db.pool(schema, o.senders + 4, "bench-" + variant)) {
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            Failback.Builder b = Failback.builder().name("bench-transform").disableAuthentication().target(target)
                    .stagingSchema(schema + "_staging").createStagingSchema(true).mode(Mode.CONSISTENT).sink(sink);
            if (transforms != null) {
                b.transforms(transforms);
            }
            try (Failback f = b.start()) {
                HttpFeed feed = new HttpFeed(URI.create("http://127.0.0.1:" + sink.port() + db.path(schema)));
                Meter m = new Meter().start();
                feed.send(stream);
                if (!f.awaitApplied(new Hlc(stream.lastResolved(), 0), Duration.ofMinutes(15))) {
                    throw new IllegalStateException(variant + ": not applied after 15 minutes: " + f.status());
                }
                m.stop();
                m.close();
                String sum;
                try (Connection c = db.connect(schema)) {
                    sum = db.checksum(c, schema);
                }
                if (expected != null && !sum.equals(expected)) {
                    throw new IllegalStateException(variant + " wrote " + sum + " but " + expected + " was expected");
                }
                return new Run(variant, stream.messages, m.nanos, m.cpuNanos, sum);
            }
        } finally {
            db.drop(schema);
        }
    }

    /** The run with the median rate (the lower middle one of an even number). */
    static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::rate));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String print(BenchDb db, Options o, Map<String, List<Run>> runs, Run reference) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%s: consistent mode, %,d mutations per run, median of %d alternated runs;"
                + " transform µs/row = 1/rate - 1/rate(none)%n", db.kind(), reference.rows(), o.repeat);
        String fmt = "%-32s | %9s | %7s | %9s | %6s | %10s | %10s | %s%n";
        System.out.printf(Locale.ROOT, fmt, "variant", "rows", "seconds", "rows/s", "×none", "µs/row tf", "cpu µs/row",
                "runs (rows/s)");
        System.out.println("-".repeat(32) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(7) + "-+-" + "-".repeat(9) + "-+-"
                + "-".repeat(6) + "-+-" + "-".repeat(10) + "-+-" + "-".repeat(10) + "-+-" + "-".repeat(24));
        double none = median(runs.get("none")).rate();
        Map<String, Double> medians = new LinkedHashMap<>();
        List<Map.Entry<String, List<Run>>> rows = new ArrayList<>(runs.entrySet());
        rows.add(Map.entry("java-cookbook (reference, 1 run)", List.of(reference)));
        for (Map.Entry<String, List<Run>> e : rows) {
            Run r = median(e.getValue());
            medians.put(e.getKey(), r.rate());
            StringBuilder all = new StringBuilder();
            for (Run x : e.getValue()) {
                all.append(all.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", x.rate()));
            }
            System.out.printf(Locale.ROOT, fmt, e.getKey(), String.format(Locale.ROOT, "%,d", r.rows()),
                    String.format(Locale.ROOT, "%.2f", r.nanos() / 1e9), String.format(Locale.ROOT, "%,.0f", r.rate()),
                    String.format(Locale.ROOT, "%.2f", r.rate() / none),
                    e.getKey().equals("none") ? "-" : String.format(Locale.ROOT, "%.1f", (1 / r.rate() - 1 / none) * 1e6),
                    r.cpuNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuNanos() / 1e3 / r.rows()), all);
        }
        String summary = String.format(Locale.ROOT, "summary db=%s none=%.0f java-noop=%.0f script-noop=%.0f"
                + " script-cookbook=%.0f", db.kind(), medians.get("none"), medians.get("java-noop"),
                medians.get("script-noop"), medians.get("script-cookbook"));
        System.out.println(summary);
        return summary;
    }
}
