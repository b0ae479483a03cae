package dev.failback.core.internal.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The checks of {@link SqlStagingStore} and {@link SqlCheckpointStore} that must hold on every
 * database the staging SQL supports; subclasses provide a database and a fresh staging schema.
 */
abstract class StagingStoreChecks {
    static final TableName ORDERS = new TableName("public", "orders");
    static final TableName ITEMS = new TableName("public", "items");

    /** The staging database. */
    abstract DataSource dataSource();

    /** A staging schema ({@code schema} or {@code database.schema}) that does not exist yet. */
    abstract String schema();

    static Mutation m(TableName table, String key, long wall, int logical, String after) {
        return new Mutation(table, key, new Hlc(wall, logical), after, after == null ? null : "{\"before\": true}");
    }

    @Test
    void initIsIdempotentAndRefusesAMissingSchemaUnlessAskedToCreateIt() throws SQLException {
        assertThatThrownBy(() -> new SqlStagingStore(dataSource(), schema(), false, StagingSql.POSTGRES).init())
                .isInstanceOf(FailbackConfigurationException.class).hasMessageContaining("does not exist");
        new SqlStagingStore(dataSource(), schema(), true, StagingSql.POSTGRES).init();
        new SqlStagingStore(dataSource(), schema(), true, StagingSql.POSTGRES).init();
        new SqlStagingStore(dataSource(), schema(), false, StagingSql.POSTGRES).init();
        new SqlCheckpointStore(dataSource(), schema(), false, StagingSql.POSTGRES).init();
        new SqlCheckpointStore(dataSource(), schema(), true, StagingSql.POSTGRES).init();
    }

    /** A staging store on the schema, its tables created. */
    private SqlStagingStore openStore() throws SQLException {
        SqlStagingStore store = new SqlStagingStore(dataSource(), schema(), true, StagingSql.POSTGRES);
        store.init();
        return store;
    }

    @Test
    void stagesOnceReadsInPagesAndRetires() throws SQLException {
        SqlStagingStore store = openStore();
        List<Mutation> batch = List.of(
                m(ORDERS, "[2]", 100, 0, "{\"id\": 2, \"s\": \"it's \\\"quoted\\\" ✓\"}"),
                m(ORDERS, "[1]", 100, 0, "{\"id\": 1}"),
                m(ITEMS, "[1, \"a\"]", 100, 0, "{\"id\": 1, \"k\": \"a\"}"),
                m(ORDERS, "[1]", 100, 1, null),
                m(ORDERS, "[1]", 200, 0, "{\"id\": 1, \"v\": 2}"),
                m(ORDERS, "[1]", 100, 0, "{\"id\": 1}"));
        assertThat(store.stage("g1", batch)).as("a duplicate inside the batch is staged once").isEqualTo(5);
        assertThat(store.stage("g1", batch)).as("a re-sent batch stages nothing").isZero();
        assertThat(store.stage("g2", batch.subList(0, 1))).isEqualTo(1);
        assertThat(store.stage("g1", List.of())).isZero();
        assertThat(store.count("g1")).isEqualTo(5);

        List<Mutation> all = new ArrayList<>();
        Mutation after = null;
        for (int page = 0; page < 10; page++) {
            List<Mutation> rows = store.read("g1", Hlc.ZERO, new Hlc(200, 0), after, 2);
            all.addAll(rows);
            if (rows.size() < 2) {
                break;
            }
            after = rows.get(rows.size() - 1);
        }
        assertThat(all).containsExactly(batch.get(2), batch.get(1), batch.get(0), batch.get(3), batch.get(4));
        assertThat(all.get(3).after()).isNull();
        assertThat(all.get(3).before()).isNull();
        assertThat(store.read("g1", new Hlc(100, 0), new Hlc(100, 1), null, 10)).containsExactly(batch.get(3));

        assertThat(store.retire("g1", new Hlc(100, 1))).isEqualTo(4);
        assertThat(store.count("g1")).isEqualTo(1);
        assertThat(store.count("g2")).isEqualTo(1);
    }

    /** What COPY's text format would misread unless escaped (PostgreSQL stages with COPY) comes back as sent. */
    @Test
    void stagesTextWithBackslashesTabsNewlinesAndBackslashNExactly() throws SQLException {
        SqlStagingStore store = openStore();
        List<Mutation> batch = List.of(
                m(ORDERS, "[\"a\\\\b\"]", 100, 0, "{\n\t\"id\": \"a\\\\b\",\r\n \"n\": \"\\N\"}"),
                new Mutation(ORDERS, "[\"\\N\"]", new Hlc(100, 1), "{\"id\": \"\\N\", \"t\": \"x\\ty\"}", "\\N"),
                m(new TableName("s\tx", "t\\y"), "[1]", 100, 2, "{\"id\": 1}"));
        assertThat(store.stage("esc", batch)).isEqualTo(3);
        assertThat(store.read("esc", Hlc.ZERO, new Hlc(200, 0), null, 10)).containsExactlyInAnyOrderElementsOf(batch);
        List<Mutation> next = new ArrayList<>(batch);
        next.add(m(ORDERS, "[9]", 100, 3, "{\"id\": 9}"));
        assertThat(store.stage("esc", next)).as("a batch holding staged rows stages only the new one").isEqualTo(1);
        assertThat(store.count("esc")).isEqualTo(4);
    }

    @Test
    void retiresARangeBetweenTwoRetirePoints() throws SQLException {
        SqlStagingStore store = openStore();
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(m(ORDERS, "[" + i + "]", 1_000 + i / 2, i % 2, "{\"id\": " + i + "}"));
        }
        store.stage("r", batch);
        store.stage("other", batch);
        // (1001.0, 1003.1]: rows 3..7; row 0..2 (at or before the lower bound) and 8, 9 stay
        assertThat(store.retire("r", new Hlc(1_001, 0), new Hlc(1_003, 1))).isEqualTo(5);
        assertThat(store.read("r", Hlc.ZERO, new Hlc(2_000, 0), null, 100))
                .containsExactly(batch.get(0), batch.get(1), batch.get(2), batch.get(8), batch.get(9));
        assertThat(store.count("other")).as("another group's rows").isEqualTo(10);
        assertThat(store.retire("r", new Hlc(1_003, 1), new Hlc(1_004, 1))).isEqualTo(2);
        assertThat(store.retire("r", new Hlc(1_004, 1))).as("the open-ended retire takes what was left below").isEqualTo(3);
        assertThat(store.count("r")).isZero();
    }

    @Test
    void stagesBatchesLargerThanOneStatement() throws SQLException {
        SqlStagingStore store = openStore();
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < 12_001; i++) {
            batch.add(m(ORDERS, "[" + i + "]", 1_000 + i / 100, i % 100, "{\"id\": " + i + "}"));
        }
        assertThat(store.stage("big", batch)).isEqualTo(batch.size());
        assertThat(store.read("big", Hlc.ZERO, new Hlc(Long.MAX_VALUE, 0), null, 20_000)).hasSize(batch.size());
    }

    @Test
    void versionsOnlyMoveForward() throws SQLException {
        SqlStagingStore store = openStore();
        RowKey a = new RowKey(ORDERS, "[1]");
        RowKey b = new RowKey(ITEMS, "[1, \"a\"]");
        RowKey never = new RowKey(ORDERS, "[9]");
        assertThat(store.appliedVersions("g", List.of(a, b))).isEmpty();
        assertThat(store.holdsVersions("g")).isFalse();
        store.recordVersions("g", Map.of(a, new Hlc(100, 0), b, new Hlc(50, 3)));
        assertThat(store.holdsVersions("g")).isTrue();
        assertThat(store.holdsVersions("other")).isFalse();
        store.recordVersions("g", Map.of(a, new Hlc(90, 0), b, new Hlc(50, 4)));
        store.recordVersions("g", Map.of());
        assertThat(store.appliedVersions("g", List.of(a, b, never)))
                .isEqualTo(Map.of(a, new Hlc(100, 0), b, new Hlc(50, 4)));
        assertThat(store.appliedVersions("other", List.of(a))).isEmpty();
        store.retireVersions("g", new Hlc(60, 0));
        assertThat(store.appliedVersions("g", List.of(a, b))).isEqualTo(Map.of(a, new Hlc(100, 0)));
        assertThat(store.holdsVersions("g")).isTrue();
        store.retireVersions("g", new Hlc(100, 0));
        assertThat(store.holdsVersions("g")).isFalse();
    }

    @Test
    void checkpointsRatchet() throws SQLException {
        SqlCheckpointStore store = new SqlCheckpointStore(dataSource(), schema(), true, StagingSql.POSTGRES);
        store.init();
        store.init();
        assertThat(store.load("g")).isEqualTo(Checkpoint.NONE);
        assertThat(store.loadAll()).isEmpty();
        assertThat(store.advanceResolved("g", new Hlc(100, 0))).isTrue();
        assertThat(store.advanceResolved("g", new Hlc(100, 0))).as("a repeat").isFalse();
        assertThat(store.advanceResolved("g", new Hlc(99, 9))).as("backwards").isFalse();
        assertThat(store.advanceResolved("g", new Hlc(100, 1))).isTrue();
        assertThat(store.load("g")).isEqualTo(new Checkpoint(new Hlc(100, 1), Hlc.ZERO));

        store.markApplied("g", new Hlc(100, 0));
        store.markApplied("g", new Hlc(50, 0));
        assertThat(store.load("g")).isEqualTo(new Checkpoint(new Hlc(100, 1), new Hlc(100, 0)));
        store.markApplied("fresh", new Hlc(7, 0));
        assertThat(store.loadAll()).containsExactly(
                Map.entry("fresh", new Checkpoint(new Hlc(7, 0), new Hlc(7, 0))),
                Map.entry("g", new Checkpoint(new Hlc(100, 1), new Hlc(100, 0))));
    }
}
