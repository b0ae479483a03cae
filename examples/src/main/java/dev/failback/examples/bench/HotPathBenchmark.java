package dev.failback.examples.bench;

import dev.failback.core.internal.ingress.DecodedBody;
import dev.failback.core.internal.ingress.RowMessage;
import dev.failback.core.internal.ingress.WebhookDecoder;
import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.dialect.postgres.PostgresDialectProvider;
import dev.failback.spi.Dialect;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH micro-benchmarks of the per-row work on Failback's request path, on the bodies the
 * {@link ReplicationBenchmark} sends (3,000 messages of about 330 bytes each, one POST as the runbook's
 * changefeed flushes it): decoding a body ({@link WebhookDecoder}, streaming Jackson, exact JSON
 * bytes kept), checking every row image against the PostgreSQL table ({@link Dialect#checkRow}), and
 * the applier's parsing and grouping of the row images before it builds its statements.
 * Scores are per body; divide by 3,000 for a row. The check needs the local PostgreSQL (or
 * {@code FAILBACK_BENCH_PG_URL}) to read the table definition once.
 *
 * <p>{@code java -cp "examples/target/failback.jar:$(cat examples/target/bench.classpath)"
 * dev.failback.examples.bench.HotPathBenchmark} (any JMH options after the class name, e.g. {@code -f 1 -wi 2 -i 3}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
    /** Messages per body. */
    static final int MESSAGES = 3_000;

    private byte[] body;
    private WebhookDecoder decoder;
    private Dialect dialect;
    private List<String> afters;
    private List<TableInfo> tables;
    private List<dev.failback.core.internal.ingress.RowMessage> upsertMessages;
    private List<String> keys;
    private Map<TableInfo, List<dev.failback.Mutation>> upserts;

    /** Builds the body and reads the table definitions. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchWorkload workload = new BenchWorkload(7);
        List<String> messages = new ArrayList<>();
        BenchWorkload.Mutations m = new BenchWorkload.Mutations();
        while (m.size < MESSAGES) {
            workload.nextTransaction();
            BenchWorkload.Mutations t = workload.txn;
            for (int i = 0; i < t.size && m.size < MESSAGES; i++) {
                m.add(t.table[i], t.id[i], t.version[i], t.parentId[i], 1_700_000_000_000_000_000L + m.size);
            }
        }
        for (int i = 0; i < m.size; i++) {
            messages.add(BenchWorkload.message(m, i));
        }
        body = BenchWorkload.body(messages);
        decoder = new WebhookDecoder(200, 128 << 20);
        DecodedBody.Rows rows = (DecodedBody.Rows) decoder.decode(body);
        String url = System.getenv().getOrDefault("FAILBACK_BENCH_PG_URL",
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        BenchDb.Postgres pg = BenchDb.Postgres.open(url, "failback_bench");
        String schema = "hotpath";
        pg.create(schema, true);
        dialect = new PostgresDialectProvider().create();
        TargetSchema target;
        try (Connection c = pg.connect(schema)) {
            target = dialect.readSchema(c, schema);
        }
        afters = new ArrayList<>();
        tables = new ArrayList<>();
        upsertMessages = new ArrayList<>();
        keys = new ArrayList<>();
        for (RowMessage r : rows.messages()) {
            keys.add(r.key());
        }
        for (RowMessage r : rows.messages()) {
            if (r.after() == null) {
                continue;
            }
            String table = r.topic().substring(r.topic().lastIndexOf('.') + 1);
            afters.add(r.after());
            upsertMessages.add(r);
            TableInfo info = target.tables().get(table);
            if (info == null) {
                throw new IllegalStateException("no table " + table + " in " + schema);
            }
            tables.add(info);
        }
        upserts = new LinkedHashMap<>();
        for (int i = 0; i < afters.size(); i++) {
            upserts.computeIfAbsent(tables.get(i), t -> new ArrayList<>()).add(new dev.failback.Mutation(tables.get(i).name(),
                    "[" + i + "]", new dev.failback.Hlc(1_700_000_000_000_000_000L + i, 0), afters.get(i), null));
        }
    }

    /** Decodes one 3,000-message body. */
    @Benchmark
    public DecodedBody decodeBody() {
        return decoder.decode(body);
    }

    /** Checks every row image of one body against its table. */
    @Benchmark
    public void checkRows(Blackhole bh) {
        for (int i = 0; i < afters.size(); i++) {
            bh.consume(dialect.checkRow(tables.get(i), afters.get(i)));
        }
    }

    /**
     * The applier's Java work before it binds a body's rows: parsing every row image into fields
     * ({@link Json#fields}), grouping the rows of each table by their keys ({@link Shape#groupByKeys}),
     * and matching each group's keys to columns ({@link Shape#of}), from which the SQL is built.
     */
    @Benchmark
    public void applierParse(Blackhole bh) {
        Map<TableInfo, List<Map<String, Json.Value>>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < afters.size(); i++) {
            byTable.computeIfAbsent(tables.get(i), t -> new ArrayList<>()).add(Json.fields(afters.get(i)));
        }
        for (Map.Entry<TableInfo, List<Map<String, Json.Value>>> e : byTable.entrySet()) {
            for (List<String> keys : Shape.groupByKeys(e.getValue()).keySet()) {
                bh.consume(Shape.of(e.getKey(), keys));
            }
        }
    }

    /**
     * The checks every row gets at intake whatever the target ({@link dev.failback.core.internal.ingress.RowChecks}):
     * each column once, the key equal to the row's primary-key columns, no lone surrogate.
     */
    @Benchmark
    public void intakeChecks(Blackhole bh) {
        for (int i = 0; i < upsertMessages.size(); i++) {
            bh.consume(dev.failback.core.internal.ingress.RowChecks.check(tables.get(i), upsertMessages.get(i)));
        }
    }

    /** Reading every key array of a body with a JSON parser per key (the checks' fallback, and the way before issue 17). */
    @Benchmark
    public void keysParsed(Blackhole bh) throws java.io.IOException {
        for (String key : keys) {
            bh.consume(dev.failback.core.internal.ingress.RowChecks.parseKey(key));
        }
    }

    /** Reading every key array of a body as the checks do since issue 17 (a scanner, the parser as fallback). */
    @Benchmark
    public void keysScanned(Blackhole bh) throws java.io.IOException {
        for (String key : keys) {
            bh.consume(dev.failback.core.internal.ingress.RowChecks.keyValues(key));
        }
    }

    /**
     * The same work as {@link #applierParse} the way the appliers do it since issue 17: {@link Shape#rows}
     * reads each row image once, straight into its group's column order, with no map per row.
     */
    @Benchmark
    public void applierRows(Blackhole bh) {
        for (Map.Entry<TableInfo, List<dev.failback.Mutation>> e : upserts.entrySet()) {
            bh.consume(Shape.rows(e.getKey(), e.getValue()));
        }
    }

    /**
     * Runs the benchmarks and prints the per-row cost.
     *
     * @param args JMH options
     * @throws Exception when JMH fails
     */
    public static void main(String[] args) throws Exception {
        var results = new Runner(new OptionsBuilder().include(HotPathBenchmark.class.getName())
                .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args)).build()).run();
        for (var r : results) {
            double usPerBody = r.getPrimaryResult().getScore();
            System.out.printf(Locale.ROOT, "%-12s %10.1f µs per %d-message body = %6.2f µs per row = %,10.0f rows/s per core%n",
                    r.getParams().getBenchmark().replaceAll(".*\\.", ""), usPerBody, MESSAGES, usPerBody / MESSAGES,
                    MESSAGES / usPerBody * 1e6);
        }
    }
}
