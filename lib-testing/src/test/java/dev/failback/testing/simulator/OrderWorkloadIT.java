package dev.failback.testing.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class OrderWorkloadIT {

    /** Runs a workload the way the simulator does: each transaction applied to the model before the next. */
    private static List<List<RowChange>> run(OrderWorkload workload, SourceModel model, long seed, int transactions,
            Runnable afterEach) {
        Random random = new Random(seed);
        List<List<RowChange>> all = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            List<RowChange> tx = workload.nextTransaction(random, model);
            all.add(tx);
            for (RowChange c : tx) {
                model.apply(c);
            }
            afterEach.run();
        }
        return all;
    }

    @Test
    void everyTransactionKeepsHeadersEqualToTheirLinesAndEveryLineHasItsOrder() {
        OrderWorkload workload = new OrderWorkload(50);
        SourceModel model = new SourceModel();
        int[] maxOrders = {0};
        List<List<RowChange>> all = run(workload, model, 3, 10_000, () -> {
            assertThat(OrderWorkload.violations(model)).isZero();
            maxOrders[0] = Math.max(maxOrders[0], model.size(OrderWorkload.ORDERS));
        });
        int creates = 0;
        int deletes = 0;
        int removes = 0;
        int moves = 0;
        int changes = 0;
        for (List<RowChange> tx : all) {
            assertThat(tx).isNotEmpty();
            Set<String> rows = new HashSet<>();
            for (RowChange c : tx) {
                assertThat(rows.add(c.table() + " " + c.key())).as("row written twice in %s", tx).isTrue();
                assertThat(c.table()).isIn(OrderWorkload.TABLES);
            }
            long headerUpserts = tx.stream().filter(c -> c.table().equals(OrderWorkload.ORDERS) && !c.isDelete()).count();
            long headerDeletes = tx.stream().filter(c -> c.table().equals(OrderWorkload.ORDERS) && c.isDelete()).count();
            long lineDeletes = tx.stream().filter(c -> c.table().equals(OrderWorkload.LINES) && c.isDelete()).count();
            long lineUpserts = tx.stream().filter(c -> c.table().equals(OrderWorkload.LINES) && !c.isDelete()).count();
            if (headerDeletes == 1) {
                deletes++;
                // children first, then the parent, in the same transaction
                assertThat(tx.get(tx.size() - 1).table()).isEqualTo(OrderWorkload.ORDERS);
                assertThat(lineDeletes).isEqualTo(tx.size() - 1);
            } else if (headerUpserts == 2) {
                moves++;
                assertThat(lineDeletes).isEqualTo(1);
                assertThat(lineUpserts).isEqualTo(1);
            } else if (lineDeletes == 1) {
                removes++;
            } else if (headerUpserts == 1 && lineUpserts > 0) {
                changes++; // a creation with lines, an added line, or changed amounts
            } else {
                creates++; // an order created without lines
            }
            assertThat(headerUpserts + headerDeletes).as("every transaction writes a header: %s", tx).isPositive();
        }
        assertThat(List.of(creates, deletes, removes, moves, changes)).allMatch(n -> n > 50);
        assertThat(maxOrders[0]).isEqualTo(50);
        assertThat(model.size(OrderWorkload.ORDERS)).isBetween(5, 50);
        assertThat(model.size(OrderWorkload.LINES)).isPositive();
        for (SortedMap<String, String> header : model.rows(OrderWorkload.ORDERS).values()) {
            assertThat(Long.parseLong(header.get("line_count"))).isBetween(0L, 8L);
        }
    }

    @Test
    void sameSeedGivesSameTransactions() {
        SourceModel first = new SourceModel();
        SourceModel second = new SourceModel();
        SourceModel other = new SourceModel();
        List<List<RowChange>> a = run(new OrderWorkload(), first, 9, 2_000, () -> { });
        List<List<RowChange>> b = run(new OrderWorkload(), second, 9, 2_000, () -> { });
        List<List<RowChange>> c = run(new OrderWorkload(), other, 10, 2_000, () -> { });
        assertThat(b).isEqualTo(a);
        assertThat(second.snapshot()).isEqualTo(first.snapshot());
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void violationsCountsTornHeadersAndOrphanLines() {
        SourceModel model = new SourceModel();
        run(new OrderWorkload(20), model, 4, 500, () -> { });
        assertThat(OrderWorkload.violations(model)).isZero();
        // An order whose line was applied without its header, as a torn read would show it.
        String someLine = model.rows(OrderWorkload.LINES).firstKey();
        SortedMap<String, String> line = CrdbJson.row(model.row(OrderWorkload.LINES, someLine));
        line.put("amount", CrdbJson.number(Long.parseLong(line.get("amount")) + 1));
        model.put(OrderWorkload.LINES, someLine, line);
        assertThat(OrderWorkload.violations(model)).isEqualTo(1);
        // A line whose order is gone.
        SortedMap<String, String> orphan = CrdbJson.row();
        orphan.put("order_id", CrdbJson.number(1_000_000));
        orphan.put("line_no", CrdbJson.number(1));
        orphan.put("amount", CrdbJson.number(5));
        model.put(OrderWorkload.LINES, OrderWorkload.lineKey(1_000_000, 1), orphan);
        assertThat(OrderWorkload.violations(model)).isEqualTo(2);
    }

    @Test
    void ddlDeclaresTheForeignKeyUnlessAskedNotTo() {
        OrderWorkload w = new OrderWorkload();
        assertThat(w.postgresDdl("shop")).contains("REFERENCES \"shop\".orders (id)").contains("PRIMARY KEY (order_id, line_no)");
        assertThat(w.postgresDdl("shop", false)).doesNotContain("REFERENCES");
        assertThat(w.mysqlDdl("shop")).contains("FOREIGN KEY (order_id) REFERENCES `shop`.orders (id)");
        assertThat(w.mysqlDdl("shop", false)).doesNotContain("FOREIGN KEY");
        assertThat(w.postgresDdl("shop").split(";\n")).hasSize(2);
        assertThat(w.tables()).containsExactly("orders", "order_lines");
        assertThat(OrderWorkload.violationsQuery("shop")).startsWith("SELECT (SELECT count(*) FROM shop.orders o");
        assertThatThrownBy(() -> new OrderWorkload(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxOrders must be >= 2, but was 1");
        assertThatThrownBy(() -> w.postgresDdl("a; DROP")).isInstanceOf(IllegalArgumentException.class);
    }
}
