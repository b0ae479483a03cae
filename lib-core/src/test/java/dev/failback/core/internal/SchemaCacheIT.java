package dev.failback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.Dialect;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schema cache against a real PostgreSQL catalog: a re-read on a miss sees a column added a moment
 * after the previous read, and a stream of misses from many threads costs a few reads a second.
 */
class SchemaCacheIT {
    private HikariDataSource dataSource;
    private String schema;

    /** Reads table and column names from information_schema: enough for the cache, and a real catalog query. */
    private static final class CatalogDialect implements Dialect {
        final AtomicLong reads = new AtomicLong();

        @Override
        public String name() {
            return "catalog";
        }

        @Override
        public int schemaPathSegments() {
            return 2;
        }

        @Override
        public String resolveSchema(Connection connection, List<String> segments) {
            return segments.get(1);
        }

        @Override
        public TargetSchema readSchema(Connection connection, String schema) throws SQLException {
            reads.incrementAndGet();
            Map<String, List<ColumnInfo>> columns = new HashMap<>();
            try (PreparedStatement s = connection.prepareStatement("SELECT table_name, column_name FROM"
                    + " information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position")) {
                s.setString(1, schema);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        columns.computeIfAbsent(r.getString(1), t -> new ArrayList<>())
                                .add(new ColumnInfo(r.getString(2), "text", "", true, false, false));
                    }
                }
            }
            Map<String, TableInfo> tables = new HashMap<>();
            columns.forEach((t, c) -> tables.put(t, new TableInfo(new TableName(schema, t), c, List.of(c.get(0).name()),
                    Set.of())));
            return new TargetSchema(schema, tables);
        }

        @Override
        public void upsert(Connection connection, TableInfo table, List<Mutation> rows) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(Connection connection, TableInfo table, List<Mutation> rows) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void open() throws SQLException {
        TestDatabases.postgres().close();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgresUrl());
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        schema = TestDatabases.uniqueName("schemacache");
        execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".kv (id bigint PRIMARY KEY, v text)");
    }

    @AfterEach
    void drop() throws SQLException {
        try {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } finally {
            dataSource.close();
        }
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Test
    void aMissSeesAColumnAddedJustAfterTheLastRead() throws Exception {
        CatalogDialect dialect = new CatalogDialect();
        SchemaCache cache = new SchemaCache(dataSource, dialect, schema, Duration.ofMinutes(1));
        assertThat(cache.get().table("kv").column("added")).isNull();
        execute("ALTER TABLE " + schema + ".kv ADD COLUMN added int DEFAULT 7");
        assertThat(cache.get().table("kv").column("added")).as("kept for schemaRefresh").isNull();
        long start = System.nanoTime();
        TargetSchema fresh = cache.refreshOnMiss();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(fresh.table("kv").column("added")).as("read after the miss, though the last read was just now")
                .isNotNull();
        assertThat(cache.get()).isSameAs(fresh);
        assertThat(dialect.reads.get()).isEqualTo(2);
        assertThat(waitedMillis).as("waits out the rest of %s ms at most", SchemaCache.MIN_REFRESH_MILLIS)
                .isLessThan(SchemaCache.MIN_REFRESH_MILLIS + 1_000);
        System.out.printf("schema cache: a miss 0 ms after a read was answered from a new read in %d ms%n", waitedMillis);

        execute("CREATE TABLE " + schema + ".created_later (id bigint PRIMARY KEY)");
        assertThat(cache.refreshOnMiss().table("created_later")).isNotNull();
        assertThat(dialect.reads.get()).isEqualTo(3);
    }

    @Test
    void refreshIfDueNeverWaitsAndReadsAtMostEveryMinInterval() throws Exception {
        CatalogDialect dialect = new CatalogDialect();
        SchemaCache cache = new SchemaCache(dataSource, dialect, schema, Duration.ofMinutes(1));
        cache.get();
        long start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_000)) {
            long t = System.nanoTime();
            cache.refreshIfDue();
            calls++;
            assertThat((System.nanoTime() - t) / 1_000_000).as("no wait").isLessThan(SchemaCache.MIN_REFRESH_MILLIS);
        }
        long reads = dialect.reads.get() - 1;
        System.out.printf("schema cache: %d refreshIfDue calls in 1000 ms -> %d schema reads%n", calls, reads);
        assertThat(reads).isBetween(1L, 1_000 / SchemaCache.MIN_REFRESH_MILLIS + 1);
        execute("ALTER TABLE " + schema + ".kv ADD COLUMN added int");
        Thread.sleep(SchemaCache.MIN_REFRESH_MILLIS);
        assertThat(cache.refreshIfDue().table("kv").column("added")).as("read when due").isNotNull();
    }

    @Test
    void aStreamOfMissesFromManyThreadsCostsAFewReadsASecond() throws Exception {
        CatalogDialect dialect = new CatalogDialect();
        SchemaCache cache = new SchemaCache(dataSource, dialect, schema, Duration.ofMinutes(1));
        cache.get();
        int threads = 16;
        long millis = 2_000;
        AtomicLong misses = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch done = new CountDownLatch(threads);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (int i = 0; i < threads; i++) {
            pool.execute(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        cache.refreshOnMiss();
                        misses.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        long reads = dialect.reads.get() - 1;
        System.out.printf("schema cache: %d misses from %d threads in %d ms -> %d schema reads%n", misses.get(), threads,
                millis, reads);
        assertThat(reads).as("one read per %s ms at most", SchemaCache.MIN_REFRESH_MILLIS)
                .isLessThanOrEqualTo(millis / SchemaCache.MIN_REFRESH_MILLIS + 2);
        assertThat(misses.get()).as("misses share reads").isGreaterThan(reads * 3);
    }
}
