package dev.failback.examples.bench;

import static dev.failback.examples.bench.BenchWorkload.PARENT;

import dev.failback.examples.bench.BenchWorkload.Mutations;
import io.debezium.connector.jdbc.JdbcSinkConnectorTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Drives Debezium's JDBC sink task directly (no Kafka), as its own integration tests do: flattened
 * records (value = the row, a null value with the row schema = delete), upsert mode, deletes on,
 * primary key from the record key, reduction buffer on, schema evolution off, PostgreSQL UNNEST on.
 * Only this class touches Debezium and Kafka Connect classes, so the benchmark runs without them.
 */
final class DebeziumSinkRun {
    static final String TASK = "io.debezium.connector.jdbc.JdbcSinkConnectorTask";

    /** Debezium's {@code io.debezium.time.MicroTimestamp}: microseconds since the epoch (what its MySQL source emits for DATETIME(6)). */
    private static final Schema MICROS = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).build();
    /** Debezium's {@code io.debezium.time.ZonedTimestamp}: ISO-8601 text (what its PostgreSQL source emits for TIMESTAMPTZ). */
    private static final Schema ZONED = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1).build();
    private static final Schema KEY = SchemaBuilder.struct().name("bench.Key").field("id", Schema.INT64_SCHEMA).build();

    /** The value schema of table {@code t}: its {@link BenchWorkload#COLUMNS} with these types, timestamps as {@code time}. */
    private static Schema row(int t, Schema time) {
        Schema[] types = t == PARENT
                ? new Schema[] {Schema.INT64_SCHEMA, Schema.STRING_SCHEMA, Schema.STRING_SCHEMA, Schema.STRING_SCHEMA,
                    Decimal.schema(2), time, Schema.OPTIONAL_STRING_SCHEMA}
                : new Schema[] {Schema.INT64_SCHEMA, Schema.INT64_SCHEMA, Schema.STRING_SCHEMA, Schema.INT32_SCHEMA,
                    Decimal.schema(2), time, Schema.OPTIONAL_STRING_SCHEMA};
        SchemaBuilder row = SchemaBuilder.struct().name("bench." + BenchWorkload.TABLES[t] + ".Value");
        for (int k = 0; k < types.length; k++) {
            row.field(BenchWorkload.COLUMNS[t][k], types[k]);
        }
        return row.build();
    }

    /** Outcome: nanoseconds spent inside {@code put()} (record building excluded), and the settings used. */
    record Result(long putNanos, Map<String, String> config) {
    }

    private DebeziumSinkRun() {
    }

    static boolean available() {
        try {
            Class.forName(TASK, false, DebeziumSinkRun.class.getClassLoader());
            Class.forName("org.apache.kafka.connect.runtime.InternalSinkRecord", false,
                    DebeziumSinkRun.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static String version() {
        String v = JdbcSinkConnectorTask.class.getPackage().getImplementationVersion();
        return v != null ? v : new JdbcSinkConnectorTask().version();
    }

    /**
     * Applies the stream.
     *
     * @param zoned timestamps as {@code ZonedTimestamp} text (PostgreSQL TIMESTAMPTZ) instead of {@code MicroTimestamp}
     */
    static Result run(Mutations stream, Map<String, String> connection, int batch, boolean zoned) {
        Schema time = zoned ? ZONED : MICROS;
        Schema[] rows = {row(PARENT, time), row(BenchWorkload.CHILD, time)};
        Map<String, String> cfg = new HashMap<>(connection);
        cfg.put("name", "failback-bench-" + System.nanoTime());
        cfg.put("insert.mode", "upsert");
        cfg.put("primary.key.mode", "record_key");
        cfg.put("delete.enabled", "true");
        cfg.put("schema.evolution", "none");
        cfg.put("batch.size", Integer.toString(batch));
        cfg.put("use.reduction.buffer", System.getProperty("bench.dbz.reduction", "true"));
        if (System.getProperty("bench.dbz.unnest") != null) {
            cfg.put("dialect.postgres.unnest.insert.enabled", System.getProperty("bench.dbz.unnest"));
        }
        cfg.put("quote.identifiers", "false");
        cfg.put("connection.pool.min_size", "1");
        cfg.put("connection.pool.max_size", "4");
        cfg.put("flush.max.retries", "0");
        cfg.put("use.time.zone", "UTC");
        JdbcSinkConnectorTask task = new JdbcSinkConnectorTask();
        task.start(cfg);
        long nanos = 0;
        try {
            List<SinkRecord> records = new ArrayList<>(batch);
            for (int i = 0; i < stream.size; i++) {
                records.add(record(stream, i, rows, zoned));
                if (records.size() == batch || i == stream.size - 1) {
                    long start = System.nanoTime();
                    task.put(records);
                    task.preCommit(Map.of());
                    nanos += System.nanoTime() - start;
                    if (task.getLastProcessingException() != null) {
                        throw new IllegalStateException("Debezium's sink failed: " + task.getLastProcessingException(),
                                task.getLastProcessingException());
                    }
                    records = new ArrayList<>(batch);
                }
            }
        } finally {
            task.stop();
        }
        Map<String, String> shown = new HashMap<>(cfg);
        shown.remove("connection.password");
        return new Result(nanos, shown);
    }

    private static Object time(java.time.Instant t, boolean zoned) {
        return zoned ? t.toString() : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    private static SinkRecord record(Mutations m, int i, Schema[] rows, boolean zoned) {
        long id = m.id[i];
        int v = m.version[i];
        boolean parent = m.table[i] == PARENT;
        Schema row = rows[m.table[i]];
        Struct key = new Struct(KEY).put("id", id);
        Struct value = null;
        if (!m.isDelete(i)) {
            value = new Struct(row).put("id", id);
            if (parent) {
                value.put("name", BenchWorkload.name(id, v))
                        .put("email", BenchWorkload.email(id))
                        .put("status", BenchWorkload.status(id, v))
                        .put("balance", BenchWorkload.balance(id, v))
                        .put("updated_at", time(BenchWorkload.time(PARENT, id, v), zoned))
                        .put("note", BenchWorkload.note(PARENT, id, v));
            } else {
                value.put("parent_id", m.parentId[i])
                        .put("sku", BenchWorkload.sku(id, v))
                        .put("qty", BenchWorkload.qty(id, v))
                        .put("price", BenchWorkload.price(id, v))
                        .put("created_at", time(BenchWorkload.time(BenchWorkload.CHILD, id, v), zoned))
                        .put("note", BenchWorkload.note(BenchWorkload.CHILD, id, v));
            }
        }
        return new SinkRecord(BenchWorkload.TABLES[m.table[i]], 0, KEY, key, row, value, i);
    }
}
