package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-06T18:00:00Z");

    static Status status(Map<String, Status.SchemaStatus> schemas) {
        return new Status(State.RUNNING, null, null, 0, Duration.ZERO, Status.Counters.builder().build(), schemas,
                null, "i1");
    }

    static Hlc at(Instant t) {
        return new Hlc(t.getEpochSecond() * 1_000_000_000L + t.getNano(), 0);
    }

    @Test
    void aSampleHoldsEachSchemasLagAndRowsAndNoLagBeforeAResolvedTimestamp() {
        StatusHistory h = new StatusHistory();
        Map<String, Status.SchemaStatus> schemas = new LinkedHashMap<>();
        schemas.put("db.public", new Status.SchemaStatus(at(T0.minusSeconds(3)), at(T0.minusSeconds(7)), 5));
        schemas.put("db.other", new Status.SchemaStatus(Hlc.ZERO, Hlc.ZERO, 0));
        h.sample(status(schemas), Map.of("db.public", 40L), T0);
        StatusHistory.Sample s = h.samples().get(0);
        assertThat(s.at()).isEqualTo(T0);
        assertThat(s.groups().get("db.public")).isEqualTo(new StatusHistory.Point(7_000, 40));
        assertThat(s.groups().get("db.other")).isEqualTo(new StatusHistory.Point(-1, 0));
    }

    @Test
    void theRingKeepsTheNewest180Samples() {
        StatusHistory h = new StatusHistory();
        for (int i = 0; i < StatusHistory.CAPACITY + 25; i++) {
            h.add(new StatusHistory.Sample(T0.plusSeconds(5L * i), Map.of()));
        }
        List<StatusHistory.Sample> samples = h.samples();
        assertThat(samples).hasSize(180);
        assertThat(samples.get(0).at()).isEqualTo(T0.plusSeconds(5L * 25));
        assertThat(samples.get(179).at()).isEqualTo(T0.plusSeconds(5L * 204));
    }

    @Test
    void rowsPerSecondIsMeasuredOverTheLastMinute() {
        StatusHistory h = new StatusHistory();
        for (int i = 0; i <= 24; i++) { // 2 min, 100 rows per 5 s until the last minute, then 50
            long rows = i <= 12 ? 100L * i : 1200 + 50L * (i - 12);
            h.add(new StatusHistory.Sample(T0.plusSeconds(5L * i), Map.of("g", new StatusHistory.Point(0, rows))));
        }
        assertThat(StatusHistory.rowsPerSecond(h.samples(), "g", Duration.ofMinutes(1))).isCloseTo(10.0, within(1e-9));
        assertThat(StatusHistory.rowsPerSecond(h.samples(), "nosuch", Duration.ofMinutes(1))).isNaN();
        assertThat(StatusHistory.rowsPerSecond(h.samples().subList(0, 1), "g", Duration.ofMinutes(1))).isNaN();
    }
}
