package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentVersionsTest {
    private static final long MS = 1_000_000L;

    @Test
    void forgetsExactlyWhatAResolvedTimestampCovers() {
        RecentVersions<String> v = new RecentVersions<>();
        v.merge("a", new Hlc(5 * MS, 0));
        v.merge("b", new Hlc(5 * MS, 2));
        v.merge("c", new Hlc(25 * MS, 0));
        v.merge("a", new Hlc(31 * MS, 0));
        v.merge("a", new Hlc(7 * MS, 0)); // older: kept the newer
        assertThat(v.get("a")).isEqualTo(new Hlc(31 * MS, 0));
        v.forget(new Hlc(5 * MS, 1)); // within the first bucket: only what is at or before it
        assertThat(v.get("b")).isEqualTo(new Hlc(5 * MS, 2));
        assertThat(v.size()).isEqualTo(3);
        v.forget(new Hlc(25 * MS, 0));
        assertThat(v.get("b")).isNull();
        assertThat(v.get("c")).isNull();
        assertThat(v.get("a")).as("its older version's entry is left behind, the key is not").isEqualTo(new Hlc(31 * MS, 0));
        v.forget(new Hlc(40 * MS, 0));
        assertThat(v.size()).isZero();
    }

    @Test
    void behavesAsAMapOfNewestVersionsUnderRandomUse() {
        Random r = new Random(42);
        for (int round = 0; round < 50; round++) {
            RecentVersions<Integer> v = new RecentVersions<>();
            Map<Integer, Hlc> model = new HashMap<>();
            long floor = 0;
            for (int op = 0; op < 5_000; op++) {
                int kind = r.nextInt(100);
                if (kind < 85) {
                    int key = r.nextInt(300);
                    Hlc h = new Hlc(floor + r.nextInt(60) * MS + r.nextInt(3), r.nextInt(3));
                    v.merge(key, h);
                    model.merge(key, h, Hlc::max);
                } else if (kind < 97) {
                    floor += r.nextInt(20) * MS + r.nextInt(1_000_000);
                    Hlc upTo = new Hlc(floor, r.nextInt(3));
                    v.forget(upTo);
                    model.values().removeIf(h -> !h.isAfter(upTo));
                } else {
                    List<Integer> gone = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        gone.add(r.nextInt(300));
                    }
                    v.removeAll(gone);
                    gone.forEach(model::remove);
                }
                if (op % 50 == 0) {
                    assertThat(v.size()).isEqualTo(model.size());
                    for (int key = 0; key < 300; key++) {
                        assertThat(v.get(key)).as("key %d after op %d", key, op).isEqualTo(model.get(key));
                    }
                }
            }
        }
    }
}
