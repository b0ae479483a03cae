package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefusalsTest {
    @Test
    void aRefusalFromTheNetworkCannotForgeOrFloodALogLine() {
        Refusals r = new Refusals();
        r.refused("p", "POST", "/db/public\n2026-12-06 INFO forged", 400, "bad \u001b[31mred\u001b[0m\r\nline " + "x".repeat(1_000));
        String last = r.last();
        assertThat(last).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b")
                .startsWith("POST /db/public\\u000a2026-12-06 INFO forged -> 400 bad \\u001b[31mred");
        assertThat(last.length()).isLessThan(10 + 200 + 10 + 300 + 10);
        assertThat(last).endsWith("...");
        r.refused("p", "GET", "/x", 404, "unknown");
        assertThat(r.last()).as("the newest is kept").isEqualTo("GET /x -> 404 unknown");
    }

    @Test
    void printableKeepsOrdinaryTextAsItIs() {
        assertThat(Refusals.printable("table \"public\".\"émp\" — ok", 100)).isEqualTo("table \"public\".\"émp\" — ok");
        assertThat(Refusals.printable(null, 10)).isEmpty();
        assertThat(Refusals.printable("abcdefghijkl", 10)).isEqualTo("abcdefg...");
        assertThat(Refusals.printable("abcdefghij", 10)).as("exactly max: kept whole").isEqualTo("abcdefghij");
        String escaped = Refusals.printable("ab\n\n\n", 10);
        assertThat(escaped).as("escapes are never cut, the result never longer than max").isEqualTo("ab...");
        assertThat(Refusals.printable("\n", 10)).isEqualTo("\\u000a");
    }

    @Test
    void theNewestTwentyAreKeptWithTheirTimeNewestFirst() {
        Refusals r = new Refusals(java.time.Clock.fixed(java.time.Instant.parse("2026-12-06T18:00:00Z"),
                java.time.ZoneOffset.UTC));
        for (int i = 0; i < 25; i++) {
            r.refused("p", "POST", "/db/s" + i, 404, "unknown path /db/s" + i);
        }
        r.refused("p", "POST", "/<script>\n" + "x".repeat(500), 404, "unknown\r\n");
        java.util.List<Refusals.Refusal> recent = r.recent();
        assertThat(recent).hasSize(Refusals.KEPT);
        Refusals.Refusal newest = recent.get(0);
        assertThat(newest.at()).isEqualTo(java.time.Instant.parse("2026-12-06T18:00:00Z"));
        assertThat(newest.status()).isEqualTo(404);
        assertThat(newest.path()).startsWith("/<script>\\u000axxx").hasSizeLessThanOrEqualTo(200).endsWith("...");
        assertThat(newest.reason()).isEqualTo("unknown\\u000d\\u000a");
        assertThat(recent.get(1).path()).isEqualTo("/db/s24");
        assertThat(recent.get(19).path()).isEqualTo("/db/s6");
    }
}
