package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.Status;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-12-06T18:30:00Z");

    private static Hlc at(Instant t) {
        return new Hlc(t.getEpochSecond() * 1_000_000_000L + t.getNano(), 3);
    }

    private static Status status(Map<String, Status.SchemaStatus> schemas, Hlc received, Hlc applied) {
        Status.Counters c = Status.Counters.builder().requests(12).upserts(900).deletes(100).windows(7).rejected(2)
                .build();
        return new Status(State.RUNNING, received, applied, 42, Duration.ZERO, c, schemas, null, "host-a:1234");
    }

    /** Two schemas, one leased here and one by another instance; 3 min of samples, 1 refusal, 1 failure. */
    private static StatusPage.View busy() {
        Map<String, Status.SchemaStatus> schemas = new LinkedHashMap<>();
        schemas.put("defaultdb.public", new Status.SchemaStatus(at(NOW.minusSeconds(2)), at(NOW.minusSeconds(4)), 42,
                "host-a:1234", 3, true));
        schemas.put("defaultdb.audit", new Status.SchemaStatus(at(NOW.minusSeconds(20)), at(NOW.minusSeconds(30)), 0,
                "host-b:99", 5, false));
        List<StatusHistory.Sample> history = new ArrayList<>();
        for (int i = 36; i >= 0; i--) { // 3 min, every 5 s
            Map<String, StatusHistory.Point> points = new LinkedHashMap<>();
            points.put("defaultdb.public", new StatusHistory.Point(1_000L + 100 * (i % 7), 10_000L - 60L * i));
            points.put("defaultdb.audit", new StatusHistory.Point(i > 30 ? -1 : 30_000, 0));
            history.add(new StatusHistory.Sample(NOW.minusSeconds(5L * i), points));
        }
        Refusals refusals = new Refusals(Clock.fixed(NOW.minusSeconds(10), ZoneOffset.UTC));
        refusals.refused("p", "POST", "/<script>alert('x')</script>/public", 404,
                "unknown path /<script>alert('x')</script>/public: a postgres target path is /<database>/<schema>");
        refusals.refused("p", "POST", "/defaultdb/public", 503,
                "cannot apply: ERROR: duplicate key value violates unique constraint \"kv_pkey\" Detail: Key (id)=(7)"
                        + " already exists");
        RecentErrors errors = new RecentErrors(Clock.fixed(NOW.minusSeconds(8), ZoneOffset.UTC));
        errors.add("defaultdb.public", "apply", "constraint", new SQLException("Key (id)=(7) already exists", "23505"));
        return new StatusPage.View("orders<b>", "host-a:1234", Mode.CONSISTENT, null, true, NOW,
                status(schemas, at(NOW.minusSeconds(2)), at(NOW.minusSeconds(30))),
                Map.of("defaultdb.public", NOW.plusSeconds(9)), history, errors.recent(), refusals.recent());
    }

    @Test
    void aPageShowsEachSchemaItsLeaseTimestampsLagBacklogAndRate() {
        String html = StatusPage.render(busy());
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta http-equiv=\"refresh\" content=\"5\">")
                .contains("<code>host-a:1234</code>").contains("running").contains("consistent")
                .contains("<span class=\"badge ok\">ready</span>");
        String pub = row(html, "defaultdb.public");
        assertThat(pub).contains("this instance").contains("epoch 3, until 18:30:09 UTC")
                .contains("2026-12-06 18:29:56 UTC") // applied
                .contains("2026-12-06 18:29:58 UTC") // received
                .contains(at(NOW.minusSeconds(4)).toString())
                .contains("<td>4.0 s</td>").contains("<td class=\"num\">42</td>")
                .contains("<td class=\"num\">12.0</td>"); // 60 rows per 5 s over the last minute
        String audit = row(html, "defaultdb.audit");
        assertThat(audit).contains("<code>host-b:99</code>").contains("another instance, epoch 5")
                .contains("<td>30.0 s</td>");
        assertThat(html).contains("30.0 s <span class=\"hint\">(the schema furthest behind)</span>");
        assertThat(html).contains("1,000 rows in 7 transactions").contains("12 (2 refused)");
    }

    @Test
    void theChartHasOneLinePerSchemaWithLabelledAxes() {
        String html = StatusPage.render(busy());
        Matcher m = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        List<Integer> lines = new ArrayList<>();
        while (m.find()) {
            lines.add(m.group(1).split(" ").length);
        }
        assertThat(lines).as("public: 37 samples; audit: the 31 since its first resolved timestamp")
                .containsExactly(37, 31);
        assertThat(html).contains(">target lag (s)</text>").contains(">time (now = 18:30:00 UTC)</text>")
                .contains(">\u221215 min</text>").contains(">now</text>").contains(">0</text>")
                .contains("<title id=\"chart-title\">");
        // the newest public sample: x at the right edge of the plot, lag 1.0 s on a 0..2 s axis
        assertThat(html).contains("980.0,");
    }

    @Test
    void textsFromTheNetworkAreEscapedAndReasonsKeepOnlyTheirLeadingClause() {
        String html = StatusPage.render(busy());
        assertThat(html).contains("<code>/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;/public</code>")
                .contains("unknown path /&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;/public: \u2026")
                .doesNotContain("<script").doesNotContain("alert('x')")
                .contains("<title>orders&lt;b&gt; \u2013 Failback status</title>");
        String refusal = row(html, "/defaultdb/public");
        assertThat(refusal).contains("<td class=\"num\">503</td>").contains("cannot apply: \u2026")
                .contains("2026-12-06 18:29:50");
        // no row data: the database's message, its key and value are neither in a failure nor a refusal
        assertThat(html).doesNotContain("Key (id)").doesNotContain("duplicate key").doesNotContain("kv_pkey");
        String failure = row(html, "constraint");
        assertThat(failure).contains("<code>23505</code>").contains("SQLException").contains("apply")
                .contains("2026-12-06 18:29:52");
        // self-contained: nothing to fetch, nothing to run
        assertThat(html).doesNotContain("src=").doesNotContain("href=").doesNotContain("<script")
                .doesNotContain("url(").doesNotContain("@import");
    }

    @Test
    void beforeAnyResolvedTimestampThePageSaysSo() {
        StatusPage.View empty = new StatusPage.View("p", "i1", Mode.IMMEDIATE, "staging database unreachable (SQLState"
                + " 08001)", false, NOW, status(Map.of(), null, null), Map.of(), List.of(), List.of(), List.of());
        String html = StatusPage.render(empty);
        assertThat(html).contains("no resolved timestamp yet").contains("No target schema yet")
                .contains("immediate").contains("not ready</span> staging database unreachable (SQLState 08001)")
                .contains("No resolved timestamp yet: nothing to draw.").doesNotContain("<polyline")
                .contains("Last failures</h2>\n<p class=\"none\">None since start.")
                .contains("Last refused requests</h2>\n<p class=\"none\">None since start.");

        Map<String, Status.SchemaStatus> schemas = Map.of("db.public", new Status.SchemaStatus(Hlc.ZERO, Hlc.ZERO, 3));
        String waiting = StatusPage.render(new StatusPage.View("p", "i1", Mode.CONSISTENT, null, false, NOW,
                status(schemas, Hlc.ZERO, Hlc.ZERO), Map.of(), List.of(new StatusHistory.Sample(NOW,
                        Map.of("db.public", new StatusHistory.Point(-1, 0)))), List.of(), List.of()));
        assertThat(row(waiting, "db.public")).contains("no leases: it applies every schema")
                .contains("<td><span class=\"none\">no resolved timestamp yet</span></td>")
                .contains("<td class=\"num\">3</td>");
        assertThat(waiting).doesNotContain("<polyline");
    }

    @Test
    void theHeadersAllowNothingButInlineStyles() {
        assertThat(StatusPage.HEADERS).containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("Cache-Control", "no-store");
        assertThat(StatusPage.HEADERS.get("Content-Security-Policy")).startsWith("default-src 'none'; style-src"
                + " 'unsafe-inline'; img-src data:;").doesNotContain("script-src");
    }

    @Test
    void theLagAxisPicksARoundTopAndAUnit() {
        assertThat(axisLabel(StatusPage.render(withLag(95_000)))).isEqualTo("s");
        assertThat(StatusPage.render(withLag(95_000))).contains(">100</text>");
        assertThat(axisLabel(StatusPage.render(withLag(20 * 60_000)))).isEqualTo("min");
        assertThat(axisLabel(StatusPage.render(withLag(5 * 3_600_000L)))).isEqualTo("h");
        assertThat(StatusPage.render(withLag(0))).contains(">0.5</text>").contains(">1</text>");
    }

    private static StatusPage.View withLag(long lagMillis) {
        List<StatusHistory.Sample> history = List.of(
                new StatusHistory.Sample(NOW.minusSeconds(10), Map.of("g", new StatusHistory.Point(lagMillis, 0))),
                new StatusHistory.Sample(NOW.minusSeconds(5), Map.of("g", new StatusHistory.Point(lagMillis, 0))));
        return new StatusPage.View("p", "i1", Mode.CONSISTENT, null, false, NOW, status(Map.of(), null, null),
                Map.of(), history, List.of(), List.of());
    }

    private static String axisLabel(String html) {
        Matcher m = Pattern.compile(">target lag \\((\\w+)\\)</text>").matcher(html);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The table row holding a text. */
    private static String row(String html, String text) {
        int at = html.indexOf(text);
        assertThat(at).as("the page shows " + text).isGreaterThanOrEqualTo(0);
        int start = html.lastIndexOf("<tr", at);
        int end = html.indexOf("</tr>", at);
        assertThat(start).isGreaterThanOrEqualTo(0);
        return html.substring(start, end);
    }
}
