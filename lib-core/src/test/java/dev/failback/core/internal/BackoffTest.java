package dev.failback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.core.internal.apply.WindowApplier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule of in-place retries: exponential, capped, jittered upwards only, bounded in total. */
class BackoffTest {

    @Test
    void theBackoffDoublesFromTwentyMillisecondsUpToTheCap() {
        List<Long> schedule = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            schedule.add(WindowApplier.IN_PLACE.pause(attempt));
        }
        assertThat(schedule).containsExactly(20L, 40L, 80L, 160L, 320L, 640L, 1_280L, 2_000L, 2_000L, 2_000L);
    }

    @Test
    void theCapHoldsForAnyAttemptWithoutOverflow() {
        for (int attempt : new int[] {8, 31, 32, 33, 57, 58, 64, 65, 1_000, Integer.MAX_VALUE}) {
            assertThat(WindowApplier.IN_PLACE.pause(attempt)).as("attempt %d", attempt)
                    .isEqualTo(WindowApplier.IN_PLACE.maxMillis());
        }
        assertThatThrownBy(() -> WindowApplier.IN_PLACE.pause(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 0");
    }

    @Test
    void anyScheduleDoublesToItsCapWithoutOverflow() {
        Backoff sequencer = new Backoff(100, 30_000);
        List<Long> schedule = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            schedule.add(sequencer.pause(attempt));
        }
        assertThat(schedule).containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 12_800L, 25_600L, 30_000L);
        assertThat(new Backoff(1, Long.MAX_VALUE).pause(63)).isEqualTo(1L << 62);
        assertThat(new Backoff(1, Long.MAX_VALUE).pause(64)).isEqualTo(Long.MAX_VALUE);
        assertThat(new Backoff(3, Long.MAX_VALUE).pause(62)).isEqualTo(3L << 61);
        assertThat(new Backoff(17, Long.MAX_VALUE).pause(61)).isEqualTo(Long.MAX_VALUE); // 17 << 60 would wrap
        assertThatThrownBy(() -> new Backoff(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jitterAddsUpToHalfAgainAndNeverShortens() {
        assertThat(Backoff.withJitter(1_000, 0.0)).isEqualTo(1_000);
        assertThat(Backoff.withJitter(1_000, 0.5)).isEqualTo(1_250);
        assertThat(Backoff.withJitter(1_000, Math.nextDown(1.0))).isEqualTo(1_499);
        assertThat(Backoff.withJitter(20, 0.99)).isBetween(20L, 29L);
    }

    @Test
    void theWholeInPlaceRetryBudgetIsBounded() {
        long least = 0;
        long most = 0;
        for (int attempt = 1; attempt < WindowApplier.MAX_ATTEMPTS; attempt++) {
            least += Backoff.withJitter(WindowApplier.IN_PLACE.pause(attempt), 0.0);
            most += Backoff.withJitter(WindowApplier.IN_PLACE.pause(attempt), Math.nextDown(1.0));
        }
        // 7 retries: 20 + 40 + ... + 1280 ms, plus up to half again, before the sequencer takes over.
        assertThat(least).isEqualTo(2_540);
        assertThat(most).isBetween(2_540L, 3_810L);
    }

    @Test
    void jitteredPausesStayWithinHalfAgainOfTheSchedule() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            long pause = WindowApplier.IN_PLACE.pause(attempt);
            for (int i = 0; i < 50; i++) {
                assertThat(WindowApplier.IN_PLACE.jitteredPause(attempt)).as("attempt %d", attempt)
                        .isBetween(pause, pause + pause / 2);
            }
        }
    }

    @Test
    void aStartRetriesItsDatabasesEveryTwoSecondsAsTheReadmeSays() {
        for (int attempt : new int[] {1, 2, 3, 10, 1_000, Integer.MAX_VALUE}) {
            assertThat(Pipeline.RETRY_DATABASES.pause(attempt)).as("attempt %d", attempt).isEqualTo(2_000);
        }
    }
}
