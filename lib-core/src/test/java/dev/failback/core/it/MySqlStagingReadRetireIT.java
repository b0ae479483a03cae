package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.stage.SqlStagingStore;
import dev.failback.core.internal.stage.StagingStores;
import dev.failback.spi.StagingStore;
import dev.failback.spi.VersionStore;
import dev.failback.testing.MariaDbDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB staging as the sequencer uses it while draining: keyset paging through a range, retiring
 * the range between two retire points, and both statements planned as ranges on the primary key
 * (MariaDB uses no index for a row comparison on its own).
 */
class MySqlStagingReadRetireIT {
    private static final TableName T = new TableName("app", "orders");
    private MariaDbDatabase db;
    private SqlStagingStore store;

    @BeforeEach
    void open() throws Exception {
        db = MariaDbDatabase.create("stagingrr");
        store = StagingStores.mysql(db.dataSource(), db.name(), false).staging();
        store.init();
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private static List<Mutation> rows(int n) {
        List<Mutation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Mutation(T, "[" + i + "]", new Hlc(1_000 + i / 2, i % 2), "{\"id\": " + i + "}", null));
        }
        return out;
    }

    /** A batch of several full statements and a partial last one (the full ones share one prepared statement). */
    @Test
    void stagesABatchOfSeveralStatementsAndAPartialOneExactly() throws Exception {
        List<Mutation> batch = rows(1_201);
        assertThat(store.stage("g", batch)).isEqualTo(1_201);
        assertThat(store.stage("g", batch)).as("staged again: duplicates ignored").isZero();
        List<Mutation> read = store.read("g", Hlc.ZERO, new Hlc(Long.MAX_VALUE, 0), null, 5_000);
        assertThat(read).hasSize(1_201);
        java.util.Map<String, Mutation> byKey = new java.util.HashMap<>();
        read.forEach(m -> byKey.put(m.key(), m));
        for (Mutation m : batch) {
            Mutation r = byKey.get(m.key());
            assertThat(r).as(m.key()).isNotNull();
            assertThat(r.after()).isEqualTo(m.after());
            assertThat(r.updated()).isEqualTo(m.updated());
            assertThat(r.table()).isEqualTo(m.table());
        }
    }

    @Test
    void pagesThroughARangeAndRetiresBetweenRetirePoints() throws Exception {
        List<Mutation> batch = rows(10);
        store.stage("g", batch);
        store.stage("other", batch);

        List<Mutation> read = new ArrayList<>();
        Mutation after = null;
        for (int page = 0; page < 10; page++) {
            List<Mutation> rows = store.read("g", new Hlc(1_000, 1), new Hlc(1_004, 0), after, 3);
            read.addAll(rows);
            if (rows.size() < 3) {
                break;
            }
            after = rows.get(rows.size() - 1);
        }
        assertThat(read).as("(1000.1, 1004.0] in pages of 3").containsExactlyElementsOf(batch.subList(2, 9));

        assertThat(store.retire("g", new Hlc(1_001, 0), new Hlc(1_003, 1))).isEqualTo(5);
        assertThat(store.read("g", Hlc.ZERO, new Hlc(2_000, 0), null, 100))
                .containsExactly(batch.get(0), batch.get(1), batch.get(2), batch.get(8), batch.get(9));
        assertThat(store.count("other")).isEqualTo(10);
        assertThat(store.retire("g", new Hlc(1_003, 1), new Hlc(1_004, 1))).isEqualTo(2);
        assertThat(store.retire("g", new Hlc(1_004, 1))).isEqualTo(3);
        assertThat(store.count("g")).isZero();
    }

    @Test
    void versionsOnlyMoveForwardAndTheStoreSaysWhenItHoldsNone() throws Exception {
        VersionStore.RowKey a = new VersionStore.RowKey(T, "[1]");
        VersionStore.RowKey b = new VersionStore.RowKey(T, "[2]");
        assertThat(store.holdsVersions("g")).isFalse();
        store.recordVersions("g", Map.of(a, new Hlc(100, 0), b, new Hlc(50, 3)));
        store.recordVersions("g", Map.of(a, new Hlc(90, 0)));
        assertThat(store.holdsVersions("g")).isTrue();
        assertThat(store.holdsVersions("other")).isFalse();
        assertThat(store.appliedVersions("g", List.of(a, b))).isEqualTo(Map.of(a, new Hlc(100, 0), b, new Hlc(50, 3)));
        store.retireVersions("g", new Hlc(60, 0));
        assertThat(store.holdsVersions("g")).isTrue();
        store.retireVersions("g", new Hlc(100, 0));
        assertThat(store.holdsVersions("g")).isFalse();
    }

    @Test
    void readsAndRetiresAreRangesOnTheKey() throws Exception {
        store.stage("g", rows(2_000));
        db.query("ANALYZE TABLE `" + db.name() + "`.mutations");
        String m = "`" + db.name() + "`.mutations";
        // what the store issues, with the values the sequencer would bind
        String retire = "EXPLAIN DELETE FROM " + m + " WHERE grp = 'g' AND wall >= 1100 AND wall <= 1110"
                + " AND (wall, logical) > (1100, 0) AND (wall, logical) <= (1110, 0)";
        String page = "EXPLAIN SELECT tschema FROM " + m + " WHERE grp = 'g' AND wall >= 1500 AND wall <= 1990"
                + " AND (wall, logical) > (1000, 0) AND (wall, logical) <= (1990, 0)"
                + " AND (wall, logical, tbl, key_hash) > (1500, 0, 'orders', '') ORDER BY wall, logical, tbl, key_hash LIMIT 100";
        for (String sql : List.of(retire, page)) {
            List<List<String>> plan = db.query(sql);
            // columns: id, select_type, table, type, possible_keys, key, key_len, ref, rows, Extra
            assertThat(plan.get(0).get(3)).as("access type of %s", sql).isEqualTo("range");
            assertThat(plan.get(0).get(5)).isEqualTo("PRIMARY");
            assertThat(Long.parseLong(plan.get(0).get(8))).as("rows examined of %s", sql).isLessThan(1_200);
            assertThat(String.valueOf(plan.get(0).get(9))).doesNotContain("filesort");
        }
    }
}
