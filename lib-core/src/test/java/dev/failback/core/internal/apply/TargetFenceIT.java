package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.Dialect;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.VersionStore.RowKey;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The fence in the target on PostgreSQL and on MariaDB (or MySQL), each test in a schema (database)
 * of its own dropped afterwards: claims raise the epoch and wait for a window of the older epoch that
 * is committing, a window commits only while the fence carries its epoch, and (immediate mode) key
 * versions are recorded, read back and retired.
 */
class TargetFenceIT {
    /** How long a call that should block is given to prove that it does not return. */
    static final long BLOCKED_MS = 500;

    /** A dialect of which the fence only uses the name. */
    record NamedDialect(String name) implements Dialect {
        @Override
        public int schemaPathSegments() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String resolveSchema(Connection connection, List<String> segments) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TargetSchema readSchema(Connection connection, String schema) {
            throw new UnsupportedOperationException();
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

    @Nested
    class Postgres extends Checks {
        @Override
        HikariDataSource open() throws SQLException {
            TestDatabases.postgres().close();
            return pool(TestDatabases.postgresUrl());
        }

        @Override
        Dialect dialect() {
            return new NamedDialect("postgresql");
        }

        @Override
        String schemaName() {
            return TestDatabases.uniqueName("fenceit");
        }

        @Override
        String table() {
            return "\"" + schema + "\".window_rows";
        }

        @Override
        void drop(Statement s) throws SQLException {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }

    @Nested
    class MariaDb extends Checks {
        @Override
        HikariDataSource open() throws SQLException {
            TestDatabases.mysql().close();
            return pool(TestDatabases.mysqlUrl());
        }

        @Override
        Dialect dialect() {
            return new NamedDialect("mariadb");
        }

        @Override
        String schemaName() {
            return TestDatabases.uniqueName("fenceit");
        }

        @Override
        String table() {
            return "`" + schema + "`.window_rows";
        }

        @Override
        void drop(Statement s) throws SQLException {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
        }
    }

    /** Oracle's fence SQL, run by H2 in Oracle mode (no Oracle server here): tables of the connected user. */
    @Nested
    class OracleOnH2 extends Checks {
        @Override
        HikariDataSource open() {
            return pool("jdbc:h2:mem:" + TestDatabases.uniqueName("fenceit") + ";MODE=Oracle;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000");
        }

        @Override
        Dialect dialect() {
            return new NamedDialect("oracle");
        }

        @Override
        String schemaName() {
            return "unused";
        }

        @Override
        String table() {
            return "WINDOW_ROWS";
        }

        @Override
        String batches() {
            return "FAILBACK_KEY_VERSION_BATCHES";
        }

        @Override
        void drop(Statement s) throws SQLException {
            s.execute("DROP ALL OBJECTS");
        }
    }

    static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    abstract static class Checks {
        static final TableName ORDERS = new TableName("public", "orders");
        static final TableName ITEMS = new TableName("public", "items");

        HikariDataSource dataSource;
        String schema;
        TargetFence fence;

        abstract HikariDataSource open() throws SQLException;

        abstract Dialect dialect();

        abstract String schemaName();

        /** The qualified name of a table in the fence's schema that the tests' windows write to. */
        abstract String table();

        abstract void drop(Statement s) throws SQLException;

        @BeforeEach
        void setUp() throws SQLException {
            dataSource = open();
            schema = schemaName();
            fence = TargetFence.of(dataSource, dialect(), schema);
            assertThat(fence).isNotNull();
            fence.init();
            fence.init();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table() + " (id INT NOT NULL PRIMARY KEY, grp VARCHAR(64) NOT NULL)");
            }
        }

        @AfterEach
        void tearDown() throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                drop(s);
            } finally {
                dataSource.close();
            }
        }

        void insert(Connection c, int id, String group) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + table() + " (id, grp) VALUES (" + id + ", '" + group + "')");
            }
        }

        List<Integer> rows() throws SQLException {
            List<Integer> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM " + table() + " ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            return ids;
        }

        /** A window's transaction: writes a row and commits it conditionally on the fence, as the applier does. */
        void window(String group, long epoch, int id, Hlc upTo) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    insert(c, id, group);
                    fence.commitWindow(c, group, epoch, upTo);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }

        static RowKey key(TableName table, String key) {
            return new RowKey(table, key);
        }

        @Test
        void aNewGroupIsClaimedFromEpochZeroWithNothingApplied() throws SQLException {
            assertThat(fence.claim("g", 1, "a")).isEqualTo(new TargetFence.State(0, Hlc.ZERO));
            assertThat(fence.claim("g", 1, "a")).as("the claim raised the epoch").isEqualTo(new TargetFence.State(1, Hlc.ZERO));
            assertThat(fence.claim("other", 5, "a")).as("groups are fenced apart").isEqualTo(new TargetFence.State(0, Hlc.ZERO));
        }

        @Test
        void aWindowCommitsUnderItsEpochAndTheNextClaimResumesWhereItEnded() throws SQLException {
            fence.claim("g", 1, "a");
            window("g", 1, 1, new Hlc(100, 2));
            assertThat(rows()).containsExactly(1);
            window("g", 1, 2, new Hlc(100, 2));
            assertThat(rows()).as("a window ending where the last one did still commits").containsExactly(1, 2);
            window("g", 1, 3, new Hlc(200, 0));
            assertThat(rows()).containsExactly(1, 2, 3);
            assertThat(fence.claim("g", 2, "b")).isEqualTo(new TargetFence.State(1, new Hlc(200, 0)));
        }

        @Test
        void aFenceLeftByAnotherStagingIsStartedOverKeepingItsEpoch() throws SQLException {
            assertThat(fence.claim("g", 1, "a", "staging-1")).isEqualTo(new TargetFence.State(0, Hlc.ZERO));
            window("g", 1, 1, new Hlc(300, 0));
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g", "staging-1");
                fence.record(c, "g", Map.of(key(ORDERS, "[1]"), new Hlc(400, 0)));
                c.commit();
                c.setAutoCommit(true);
            }
            assertThat(fence.claim("g", 2, "a", "staging-1")).as("same staging: trusted")
                    .isEqualTo(new TargetFence.State(1, new Hlc(300, 0)));
            // staging dropped and made again: its lease epochs start over, its group has a new incarnation
            assertThat(fence.claim("g", 1, "b", "staging-2")).as("nothing applied under the new staging; epoch kept")
                    .isEqualTo(new TargetFence.State(2, Hlc.ZERO));
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g", "staging-2")).isEqualTo(Hlc.ZERO);
                assertThat(fence.versions(c, "g", List.of(key(ORDERS, "[1]")))).as("the old staging's versions are gone")
                        .isEmpty();
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Connection c = dataSource.getConnection()) {
                fence.record(c, "g", Map.of(key(ORDERS, "[1]"), new Hlc(50, 0)));
                assertThat(fence.lockForBatch(c, "other", "x")).as("a new group under immediate mode").isEqualTo(Hlc.ZERO);
                c.rollback();
                c.setAutoCommit(true);
            }
        }

        @Test
        void aWindowOfAnOlderEpochIsRefusedAndItsWritesRolledBack() throws SQLException {
            fence.claim("g", 1, "a");
            window("g", 1, 1, new Hlc(100, 0));
            assertThat(fence.claim("g", 2, "b")).isEqualTo(new TargetFence.State(1, new Hlc(100, 0)));

            assertThatThrownBy(() -> window("g", 1, 2, new Hlc(200, 0))).isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("epoch 1");
            assertThat(rows()).as("the refused window's row was rolled back").containsExactly(1);
            assertThat(fence.claim("g", 2, "b")).as("and its end is not recorded")
                    .isEqualTo(new TargetFence.State(2, new Hlc(100, 0)));

            assertThat(fence.claim("g", 1, "a")).as("a claim at a lower epoch changes nothing")
                    .isEqualTo(new TargetFence.State(2, new Hlc(100, 0)));
            assertThatThrownBy(() -> window("g", 1, 3, new Hlc(300, 0))).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> window("g", 3, 3, new Hlc(300, 0))).as("nor a newer epoch not yet claimed")
                    .isInstanceOf(LeaseLostException.class);
            window("g", 2, 4, new Hlc(300, 0));
            assertThat(rows()).containsExactly(1, 4);
            assertThat(fence.claim("g", 3, "c")).isEqualTo(new TargetFence.State(2, new Hlc(300, 0)));
        }

        @Test
        void aClaimWaitsForAWindowOfTheOlderEpochThatIsCommittingAndLaterOnesFail() throws Exception {
            fence.claim("g", 2, "b");
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                insert(c, 1, "g");
                fence.commitWindow(c, "g", 2, new Hlc(500, 1));

                CompletableFuture<TargetFence.State> claim = CompletableFuture.supplyAsync(() -> {
                    try {
                        return fence.claim("g", 3, "c");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThatThrownBy(() -> claim.get(BLOCKED_MS, TimeUnit.MILLISECONDS))
                        .as("the claim waits for the window's transaction").isInstanceOf(TimeoutException.class);
                c.commit();
                c.setAutoCommit(true);
                assertThat(claim.get(30, TimeUnit.SECONDS)).as("and then sees what it applied")
                        .isEqualTo(new TargetFence.State(2, new Hlc(500, 1)));
            }
            assertThat(rows()).containsExactly(1);
            assertThatThrownBy(() -> window("g", 2, 2, new Hlc(600, 0))).isInstanceOf(LeaseLostException.class);
            assertThat(rows()).containsExactly(1);
            window("g", 3, 3, new Hlc(600, 0));
            assertThat(rows()).containsExactly(1, 3);
        }

        @Test
        void aClaimThatWaitedForAWindowThatRolledBackSeesTheOldEnd() throws Exception {
            fence.claim("g", 1, "a");
            window("g", 1, 1, new Hlc(100, 0));
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                insert(c, 2, "g");
                fence.commitWindow(c, "g", 1, new Hlc(200, 0));
                CompletableFuture<TargetFence.State> claim = CompletableFuture.supplyAsync(() -> {
                    try {
                        return fence.claim("g", 2, "b");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThatThrownBy(() -> claim.get(BLOCKED_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
                c.rollback();
                c.setAutoCommit(true);
                assertThat(claim.get(30, TimeUnit.SECONDS)).isEqualTo(new TargetFence.State(1, new Hlc(100, 0)));
            }
            assertThat(rows()).containsExactly(1);
        }

        @Test
        void immediateModeRecordsReadsAndRetiresKeyVersions() throws SQLException {
            RowKey k1 = key(ORDERS, "[1]");
            RowKey k2 = key(ORDERS, "[2]");
            RowKey k3 = key(ITEMS, "[1]");
            RowKey k4 = key(ITEMS, "[\"it's ✓\"]");
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).isEqualTo(Hlc.ZERO);
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4))).isEmpty();
                fence.record(c, "g", Map.of(k1, new Hlc(10, 0), k2, new Hlc(20, 1), k3, new Hlc(30, 0)));
                fence.record(c, "g", Map.of());
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4))).as("read back in the batch's transaction")
                        .isEqualTo(Map.of(k1, new Hlc(10, 0), k2, new Hlc(20, 1), k3, new Hlc(30, 0)));
                c.commit();
                c.setAutoCommit(true);
            }
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).isEqualTo(Hlc.ZERO);
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4)))
                        .isEqualTo(Map.of(k1, new Hlc(10, 0), k2, new Hlc(20, 1), k3, new Hlc(30, 0)));
                assertThat(fence.versions(c, "other", List.of(k1, k2, k3, k4))).as("versions are per group").isEmpty();
                assertThat(fence.versions(c, "g", List.of())).isEmpty();
                fence.record(c, "g", Map.of(k1, new Hlc(25, 3), k4, new Hlc(40, 0)));
                c.commit();
                c.setAutoCommit(true);
            }
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                fence.record(c, "g", Map.of(k2, new Hlc(99, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4))).as("a newer version replaces the recorded one;"
                        + " a rolled-back batch records nothing").isEqualTo(Map.of(k1, new Hlc(25, 3), k2, new Hlc(20, 1),
                                k3, new Hlc(30, 0), k4, new Hlc(40, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }

            fence.retire("g", new Hlc(25, 3));
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).isEqualTo(new Hlc(25, 3));
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4))).as("versions at or before it are forgotten")
                        .isEqualTo(Map.of(k3, new Hlc(30, 0), k4, new Hlc(40, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }

            fence.retire("g", new Hlc(20, 0));
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).as("an older resolved timestamp changes nothing").isEqualTo(new Hlc(25, 3));
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4)))
                        .isEqualTo(Map.of(k3, new Hlc(30, 0), k4, new Hlc(40, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }

            fence.retire("g", new Hlc(30, 0));
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).isEqualTo(new Hlc(30, 0));
                assertThat(fence.versions(c, "g", List.of(k1, k2, k3, k4))).as("memory forgets at every resolved timestamp")
                        .isEqualTo(Map.of(k4, new Hlc(40, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }
            TargetFence another = TargetFence.of(dataSource, dialect(), schema);
            try (Connection c = dataSource.getConnection()) {
                another.lockForBatch(c, "g");
                assertThat(another.versions(c, "g", List.of(k1, k2, k3, k4)))
                        .as("another process reads the rows left, skipping what the fence row covers")
                        .isEqualTo(Map.of(k4, new Hlc(40, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + batches() + " WHERE wall <= 30")) {
                assertThat(rs.next()).isTrue();
                // the first retire of a group in a process deletes rows, the next ones at most every 10 s: the
                // row whose newest version is k3's (30,0) stays for now, deciding nothing
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThat(fence.claim("g", 1, "a")).as("the fence row carries the retired timestamp")
                    .isEqualTo(new TargetFence.State(0, new Hlc(30, 0)));
        }

        @Test
        void versionsReadManyKeysInChunksAndTellTablesApart() throws SQLException {
            Map<RowKey, Hlc> applied = new LinkedHashMap<>();
            for (int i = 0; i < 1234; i++) {
                applied.put(key(ORDERS, "[" + i + "]"), new Hlc(1000 + i, i % 3));
            }
            applied.put(key(ITEMS, "[1]"), new Hlc(7, 7));
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                fence.record(c, "g", applied);
                c.commit();
                c.setAutoCommit(true);
            }
            List<RowKey> asked = new ArrayList<>(applied.keySet());
            asked.add(key(ITEMS, "[2]"));
            asked.add(key(new TableName("public", "ORDERS"), "[1]"));
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                Map<RowKey, Hlc> read = fence.versions(c, "g", asked);
                c.rollback();
                c.setAutoCommit(true);
                assertThat(read).hasSize(applied.size() + 1);
                assertThat(read).containsAllEntriesOf(applied);
                assertThat(read.get(key(new TableName("public", "ORDERS"), "[1]")))
                        .as("a table's name is folded: ORDERS and orders are one key, both get its version")
                        .isEqualTo(applied.get(key(ORDERS, "[1]")));
                assertThat(read).doesNotContainKey(key(ITEMS, "[2]"));
            }
        }

        /** One batch of a process: locks, reads the keys' versions, records these, commits, reports the commit. */
        Map<RowKey, Hlc> batch(TargetFence f, Map<RowKey, Hlc> record, List<RowKey> ask) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                f.lockForBatch(c, "g");
                Map<RowKey, Hlc> read = f.versions(c, "g", ask);
                f.record(c, "g", record);
                c.commit();
                c.setAutoCommit(true);
                f.committed(c, "g");
                return read;
            }
        }

        String batches() {
            return table().replace("window_rows", "key_version_batches");
        }

        @Test
        void processesTakingTurnsSeeEachOthersVersionsThroughTheSequence() throws SQLException {
            TargetFence b = TargetFence.of(dataSource, dialect(), schema);
            RowKey k1 = key(ORDERS, "[1]");
            RowKey k2 = key(ORDERS, "[2]");
            List<RowKey> both = List.of(k1, k2);
            assertThat(batch(fence, Map.of(k1, new Hlc(10, 0)), both)).isEmpty();
            assertThat(batch(fence, Map.of(k2, new Hlc(11, 0)), both))
                    .as("its own committed batch is not read back: its own versions are its VersionGuard's").isEmpty();
            assertThat(batch(b, Map.of(k1, new Hlc(20, 0)), both)).as("a process starting reads every row")
                    .isEqualTo(Map.of(k1, new Hlc(10, 0), k2, new Hlc(11, 0)));
            assertThat(batch(fence, Map.of(), both)).as("and the first reads the other's row")
                    .isEqualTo(Map.of(k1, new Hlc(20, 0)));
            try (Connection c = dataSource.getConnection()) {
                b.lockForBatch(c, "g");
                b.record(c, "g", Map.of(k2, new Hlc(30, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }
            assertThat(batch(fence, Map.of(k2, new Hlc(25, 0)), both)).as("a rolled-back batch is seen by no one")
                    .isEqualTo(Map.of(k1, new Hlc(20, 0)));
            assertThat(batch(b, Map.of(), both)).as("its sequence number was taken by the next batch, which b reads")
                    .isEqualTo(Map.of(k1, new Hlc(10, 0), k2, new Hlc(25, 0)));

            fence.retire("g", new Hlc(25, 0)); // the first retire of a group in a process deletes rows
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), max(seq) FROM " + batches() + " WHERE body IS NOT NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("every row the resolved timestamp covers is gone or emptied").isZero();
            }
            assertThat(batch(b, Map.of(k1, new Hlc(40, 0)), both)).as("b forgets what the fence row says is covered")
                    .isEmpty();
            TargetFence c3 = TargetFence.of(dataSource, dialect(), schema);
            assertThat(batch(c3, Map.of(), both)).as("numbers keep growing: a third process reads b's row")
                    .isEqualTo(Map.of(k1, new Hlc(40, 0)));
            assertThat(batch(fence, Map.of(), both)).isEqualTo(Map.of(k1, new Hlc(40, 0)));
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT min(seq), max(seq) FROM " + batches())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(2)).as("one number per committed batch that recorded something").isEqualTo(5);
            }
        }

        @Test
        void numbersKeepGrowingAfterEveryRowIsRetired() throws SQLException {
            TargetFence b = TargetFence.of(dataSource, dialect(), schema);
            RowKey k1 = key(ORDERS, "[1]");
            batch(fence, Map.of(k1, new Hlc(10, 0)), List.of(k1));
            batch(b, Map.of(k1, new Hlc(20, 0)), List.of(k1));
            batch(fence, Map.of(k1, new Hlc(21, 0)), List.of(k1));
            fence.retire("g", new Hlc(25, 0)); // covers every row: the newest is kept, emptied
            TargetFence c3 = TargetFence.of(dataSource, dialect(), schema);
            batch(c3, Map.of(k1, new Hlc(30, 0)), List.of(k1));
            for (int i = 2; i <= 4; i++) { // past the number the first process has read
                batch(c3, Map.of(key(ORDERS, "[" + i + "]"), new Hlc(30 + i, 0)), List.of());
            }
            assertThat(batch(fence, Map.of(), List.of(k1))).as("the first process reads the newcomer's rows")
                    .isEqualTo(Map.of(k1, new Hlc(30, 0)));
        }

        @Test
        void aFenceStartedOverUnderAnotherStagingKeepsItsNumbersGrowing() throws SQLException {
            TargetFence b = TargetFence.of(dataSource, dialect(), schema);
            RowKey k1 = key(ORDERS, "[1]");
            RowKey k2 = key(ORDERS, "[2]");
            for (long wall : new long[] {10, 11}) {
                try (Connection c = dataSource.getConnection()) {
                    fence.lockForBatch(c, "g", "i1");
                    fence.versions(c, "g", List.of(k1));
                    fence.record(c, "g", Map.of(k1, new Hlc(wall, 0)));
                    c.commit();
                    c.setAutoCommit(true);
                    fence.committed(c, "g");
                }
            }
            try (Connection c = dataSource.getConnection()) {
                b.lockForBatch(c, "g", "i2"); // starts the fence over: no versions, nothing applied
                assertThat(b.versions(c, "g", List.of(k1, k2))).isEmpty();
                b.record(c, "g", Map.of(k2, new Hlc(5, 0)));
                c.commit();
                c.setAutoCommit(true);
                b.committed(c, "g");
            }
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g", "i2")).isEqualTo(Hlc.ZERO);
                assertThat(fence.versions(c, "g", List.of(k1, k2))).as("the first process reads the new staging's row,"
                        + " and forgets the old staging's versions").isEqualTo(Map.of(k2, new Hlc(5, 0)));
                c.rollback();
                c.setAutoCommit(true);
            }
        }

        @Test
        void aProcessThatReadFurtherThanTheTableNowGoesReadsItAgain() throws SQLException {
            RowKey k1 = key(ORDERS, "[1]");
            for (long wall : new long[] {10, 11, 12}) {
                batch(fence, Map.of(k1, new Hlc(wall, 0)), List.of(k1));
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM " + batches()); // the table emptied or made again behind its back
            }
            TargetFence c3 = TargetFence.of(dataSource, dialect(), schema);
            batch(c3, Map.of(key(ORDERS, "[2]"), new Hlc(30, 0)), List.of(k1));
            assertThat(batch(fence, Map.of(), List.of(k1, key(ORDERS, "[2]"))))
                    .as("what it held is forgotten (the writes it stood for may be gone too); the newcomer's row is read")
                    .isEqualTo(Map.of(key(ORDERS, "[2]"), new Hlc(30, 0)));
        }

        @Test
        void aFenceMadeAgainBehindAProcessIsReadAgain() throws SQLException {
            RowKey k1 = key(ORDERS, "[1]");
            batch(fence, Map.of(k1, new Hlc(50, 0)), List.of(k1));
            fence.retire("g", new Hlc(20, 0));
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                // both tables made again (a restore, a dropped schema): nothing covered, no versions
                s.executeUpdate("UPDATE " + batches().replace("KEY_VERSION_BATCHES", "FENCES").replace("key_version_batches",
                        "fences") + " SET applied_wall = 0, applied_logical = 0");
                s.executeUpdate("DELETE FROM " + batches());
            }
            TargetFence c3 = TargetFence.of(dataSource, dialect(), schema);
            batch(c3, Map.of(k1, new Hlc(10, 0)), List.of(k1));
            assertThat(batch(fence, Map.of(), List.of(k1))).as("the covered timestamp went back: what it held is forgotten")
                    .isEqualTo(Map.of(k1, new Hlc(10, 0)));
        }

        @Test
        void pastItsMemoryBoundAGroupIsScannedUntilAResolvedTimestampCoversIt() throws SQLException {
            TargetFence small = TargetFence.of(dataSource, dialect(), schema);
            small.memoryKeys(3);
            Map<RowKey, Hlc> many = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                many.put(key(ORDERS, "[" + i + "]"), new Hlc(100 + i, 0));
            }
            batch(fence, many, List.of());
            List<RowKey> ask = new ArrayList<>(many.keySet());
            ask.add(key(ITEMS, "[1]"));
            assertThat(batch(small, Map.of(key(ITEMS, "[1]"), new Hlc(200, 0)), ask)).as("read while scanning")
                    .isEqualTo(many);
            Map<RowKey, Hlc> all = new LinkedHashMap<>(many);
            all.put(key(ITEMS, "[1]"), new Hlc(200, 0));
            assertThat(batch(small, Map.of(), ask)).as("and its own rows too").isEqualTo(all);
            assertThat(batch(fence, Map.of(), ask)).as("the other process reads small's row")
                    .isEqualTo(Map.of(key(ITEMS, "[1]"), new Hlc(200, 0)));
            small.retire("g", new Hlc(103, 0));
            assertThat(batch(small, Map.of(), ask)).as("in memory again: what is left is under the bound")
                    .isEqualTo(Map.of(key(ORDERS, "[4]"), new Hlc(104, 0), key(ITEMS, "[1]"), new Hlc(200, 0)));
        }

        @Test
        void batchesOfOneGroupLockItsRowOneAtATime() throws Exception {
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                fence.record(c, "g", Map.of(key(ORDERS, "[1]"), new Hlc(10, 0)));
                CompletableFuture<Map<RowKey, Hlc>> second = CompletableFuture.supplyAsync(() -> {
                    try (Connection c2 = dataSource.getConnection()) {
                        try {
                            fence.lockForBatch(c2, "g");
                            return fence.versions(c2, "g", List.of(key(ORDERS, "[1]")));
                        } finally {
                            c2.rollback();
                            c2.setAutoCommit(true);
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                CompletableFuture<Void> otherGroup = CompletableFuture.runAsync(() -> {
                    try (Connection c3 = dataSource.getConnection()) {
                        fence.lockForBatch(c3, "h");
                        c3.rollback();
                        c3.setAutoCommit(true);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                otherGroup.get(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> second.get(BLOCKED_MS, TimeUnit.MILLISECONDS))
                        .as("a second batch of the group waits for the first").isInstanceOf(TimeoutException.class);
                c.commit();
                c.setAutoCommit(true);
                assertThat(second.get(30, TimeUnit.SECONDS)).as("and then sees what it recorded")
                        .isEqualTo(Map.of(key(ORDERS, "[1]"), new Hlc(10, 0)));
            }
        }

        @Test
        void retireWaitsForABatchInFlight() throws Exception {
            try (Connection c = dataSource.getConnection()) {
                fence.lockForBatch(c, "g");
                fence.record(c, "g", Map.of(key(ORDERS, "[1]"), new Hlc(10, 0)));
                CompletableFuture<Void> retire = CompletableFuture.runAsync(() -> {
                    try {
                        fence.retire("g", new Hlc(10, 0));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThatThrownBy(() -> retire.get(BLOCKED_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
                c.commit();
                c.setAutoCommit(true);
                retire.get(30, TimeUnit.SECONDS);
            }
            try (Connection c = dataSource.getConnection()) {
                assertThat(fence.lockForBatch(c, "g")).isEqualTo(new Hlc(10, 0));
                assertThat(fence.versions(c, "g", List.of(key(ORDERS, "[1]")))).as("the retire saw the batch's version")
                        .isEmpty();
                c.rollback();
                c.setAutoCommit(true);
            }
        }

        @Test
        void successiveHoldersLeaveOnlyTheWindowsOfTheEpochThatHeldTheFence() throws Exception {
            // Each new holder claims, then the previous one tries one more window: only the holders' windows remain.
            fence.claim("g", 1, "a");
            int id = 0;
            List<Integer> committed = new ArrayList<>();
            for (long epoch = 1; epoch <= 5; epoch++) {
                for (int w = 0; w < 3; w++) {
                    id++;
                    window("g", epoch, id, new Hlc(epoch * 100 + w, 0));
                    committed.add(id);
                }
                fence.claim("g", epoch + 1, "h" + (epoch + 1));
                id++;
                long stale = epoch;
                int staleId = id;
                assertThatThrownBy(() -> window("g", stale, staleId, new Hlc(stale * 100 + 50, 0)))
                        .isInstanceOf(LeaseLostException.class);
            }
            assertThat(rows()).containsExactlyElementsOf(committed);
            assertThat(fence.claim("g", 6, "h6")).isEqualTo(new TargetFence.State(6, new Hlc(502, 0)));
        }

        @Test
        void initCreatesTheSchemaAndTheTablesAndIsIdempotent() throws SQLException {
            fence.init();
            TargetFence again = TargetFence.of(dataSource, dialect(), schema);
            again.init();
            fence.claim("g", 4, "a");
            assertThat(again.claim("g", 5, "b")).as("two fences on one schema share their rows")
                    .isEqualTo(new TargetFence.State(4, Hlc.ZERO));
            assertThat(TargetFence.of(dataSource, new NamedDialect("sqlite"), schema)).isNull();
        }
    }
}
