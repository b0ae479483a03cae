package dev.failback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule of in-place retries: exponential, capped, jittered upwards only, bounded in total. */
class WindowApplierBackoffTest {

    @Test
    void theBackoffDoublesFromTwentyMillisecondsUpToTheCap() {
        List<Long> schedule = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            schedule.add(WindowApplier.backoffMillis(attempt));
        }
        assertThat(schedule).containsExactly(20L, 40L, 80L, 160L, 320L, 640L, 1_280L, 2_000L, 2_000L, 2_000L);
    }

    @Test
    void theCapHoldsForAnyAttemptWithoutOverflow() {
        for (int attempt : new int[] {8, 31, 32, 33, 57, 58, 64, 65, 1_000, Integer.MAX_VALUE}) {
            assertThat(WindowApplier.backoffMillis(attempt)).as("attempt %d", attempt)
                    .isEqualTo(WindowApplier.MAX_BACKOFF_MILLIS);
        }
        assertThatThrownBy(() -> WindowApplier.backoffMillis(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 0");
    }

    @Test
    void jitterAddsUpToHalfAgainAndNeverShortens() {
        assertThat(WindowApplier.withJitter(1_000, 0.0)).isEqualTo(1_000);
        assertThat(WindowApplier.withJitter(1_000, 0.5)).isEqualTo(1_250);
        assertThat(WindowApplier.withJitter(1_000, Math.nextDown(1.0))).isEqualTo(1_499);
        assertThat(WindowApplier.withJitter(20, 0.99)).isBetween(20L, 29L);
    }

    @Test
    void theWholeInPlaceRetryBudgetIsBounded() {
        long least = 0;
        long most = 0;
        for (int attempt = 1; attempt < WindowApplier.MAX_ATTEMPTS; attempt++) {
            least += WindowApplier.withJitter(WindowApplier.backoffMillis(attempt), 0.0);
            most += WindowApplier.withJitter(WindowApplier.backoffMillis(attempt), Math.nextDown(1.0));
        }
        // 7 retries: 20 + 40 + ... + 1280 ms, plus up to half again, before the sequencer takes over.
        assertThat(least).isEqualTo(2_540);
        assertThat(most).isBetween(2_540L, 3_810L);
    }
}
