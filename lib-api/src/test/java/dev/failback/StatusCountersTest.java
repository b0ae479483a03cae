package dev.failback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusCountersTest {

    @Test
    void eachCounterIsSetByNameAndReadByTheSameName() {
        Status.Counters c = Status.Counters.builder().requests(1).received(2).staged(3).duplicates(4).stale(5)
                .upserts(6).deletes(7).windows(8).resolvedReceived(9).resolvedIgnored(10).rejected(11)
                .unavailable(12).retries(13).deadLettered(14).filtered(15).build();
        assertThat(new long[] {c.requests(), c.received(), c.staged(), c.duplicates(), c.stale(), c.upserts(),
            c.deletes(), c.windows(), c.resolvedReceived(), c.resolvedIgnored(), c.rejected(), c.unavailable(),
            c.retries(), c.deadLettered(), c.filtered()}).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                15);
        assertThat(c).hasToString("Counters[requests=1, received=2, staged=3, duplicates=4, stale=5, upserts=6,"
                + " deletes=7, windows=8, resolvedReceived=9, resolvedIgnored=10, rejected=11, unavailable=12,"
                + " retries=13, deadLettered=14, filtered=15]");
    }

    @Test
    void aCounterNotSetIsZero() {
        Status.Counters c = Status.Counters.builder().upserts(3).build();
        assertThat(c.upserts()).isEqualTo(3);
        assertThat(c.requests()).isZero();
        assertThat(c.deadLettered()).isZero();
        assertThat(c.filtered()).isZero();
    }

    @Test
    void countersAreEqualWhenEveryTotalIs() {
        Status.Counters.Builder b = Status.Counters.builder().requests(5).deadLettered(1);
        Status.Counters first = b.build();
        assertThat(b.build()).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(b.deadLettered(2).build()).isNotEqualTo(first);
        assertThat(first.deadLettered()).as("build() leaves the counters built before unchanged").isEqualTo(1);
        assertThat(Status.Counters.builder().build()).isNotEqualTo(first).isNotEqualTo(null);
    }
}
