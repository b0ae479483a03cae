package dev.failback.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Health details may be shown to anyone: a failure's message is cut before what the database said. */
class FailbackHealthIndicatorTest {

    @Test
    void aFailureShowsWhatFailedNotTheKeyOrValueTheDatabaseQuoted() {
        assertThat(FailbackHealthIndicator.leadingClause("poison row: upsert into s.t key [7] at 1.0 rejected by the"
                + " target: ERROR: duplicate key value violates unique constraint \"t_pkey\" Detail: Key (id)=(7) already exists"))
                .isEqualTo("poison row");
        assertThat(FailbackHealthIndicator.leadingClause("staging database unreachable")).isEqualTo("staging database unreachable");
        assertThat(FailbackHealthIndicator.leadingClause("a\nb\u0000c")).isEqualTo("a b c");
        assertThat(FailbackHealthIndicator.leadingClause("x".repeat(500))).hasSize(121).endsWith("…");
    }
}
