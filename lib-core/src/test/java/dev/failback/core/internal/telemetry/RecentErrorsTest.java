package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {

    @Test
    void keepsKindSqlStateAndTypeButNeverTheMessage() {
        RecentErrors errors = new RecentErrors(Clock.fixed(Instant.parse("2026-12-06T18:00:00Z"), ZoneOffset.UTC));
        errors.add("db.public", "apply", "constraint", new RuntimeException("wrapped",
                new SQLException("duplicate key value violates unique constraint; Key (id)=(7) already exists", "23505")));
        RecentErrors.Entry e = errors.recent().get(0);
        assertThat(e).isEqualTo(new RecentErrors.Entry(Instant.parse("2026-12-06T18:00:00Z"),
                Instant.parse("2026-12-06T18:00:00Z"), 1, "db.public", "apply", "constraint", "23505",
                "RuntimeException"));
        assertThat(e.toString()).doesNotContain("Key (id)").doesNotContain("wrapped");
    }

    @Test
    void aRepeatCountsOnTheNewestAndTheRingKeepsTwenty() {
        RecentErrors errors = new RecentErrors();
        SQLException lost = new SQLException("connection lost", "08006");
        for (int i = 0; i < 5; i++) {
            errors.add("db.public", "apply", "transient", lost);
        }
        assertThat(errors.recent()).hasSize(1);
        assertThat(errors.recent().get(0).count()).isEqualTo(5);
        for (int i = 0; i < 30; i++) {
            errors.add("db.s" + i, "request", "staging", null);
        }
        assertThat(errors.recent()).hasSize(RecentErrors.KEPT);
        assertThat(errors.recent().get(0).group()).as("the newest first").isEqualTo("db.s29");
        assertThat(errors.recent().get(19).group()).isEqualTo("db.s10");
    }
}
