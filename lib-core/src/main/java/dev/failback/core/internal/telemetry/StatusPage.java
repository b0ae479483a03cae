package dev.failback.core.internal.telemetry;

import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.Status;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.sequence.LeaseKeeper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /_/status}: the pipeline as a person reads it, one HTML page with inline CSS and an inline
 * SVG chart, no script and no external resource. It shows what {@code /_/healthz} and {@code /_/varz}
 * already tell (states, resolved timestamps, lags, backlogs, rates, lease holders, error kinds and
 * SQLStates) and the newest refused requests (method, path, status and the leading clause of the
 * reason); never a row, key, value, token or connection string. Every text is HTML-escaped, those from
 * the network also bounded and stripped of control characters ({@link Refusals#printable}). Building
 * a page queries no database: it reads {@code status()}, {@link StatusHistory}, {@link RecentErrors},
 * {@link Refusals} and the readiness {@code /_/healthz} answers (cached). Thread-safe.
 */
public final class StatusPage {
    /** The headers of the page: HTML, a policy that allows nothing but inline styles, no caching. */
    public static final Map<String, String> HEADERS = headers();
    /** The chart's span: the last 15 minutes. */
    static final Duration SPAN = Duration.ofMinutes(15);
    /** How far back {@code rows/s} looks: 1 min. */
    static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    /** The page reloads itself every {@value} s. */
    static final int REFRESH_SECONDS = 5;
    /** Target schemas drawn on the chart, one line each; beyond, only the table shows them. */
    static final int MAX_LINES = 8;

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * Everything one page shows.
     *
     * @param pipeline  the pipeline's name
     * @param instance  this instance's identity
     * @param mode      the mode
     * @param readiness null when ready, else what {@code /_/healthz} answers
     * @param leased    whether target schemas are leased among instances (else this instance applies all)
     * @param now       the time of the page
     * @param status    the status now
     * @param leaseUntil until when this instance's lease of each target schema it holds is valid
     * @param history   the samples, the oldest first
     * @param errors    the newest failures, the newest first
     * @param refusals  the newest refused requests, the newest first
     */
    public record View(String pipeline, String instance, Mode mode, String readiness, boolean leased, Instant now,
            Status status, Map<String, Instant> leaseUntil, List<StatusHistory.Sample> history,
            List<RecentErrors.Entry> errors, List<Refusals.Refusal> refusals) {
    }

    private final String pipeline;
    private final String instance;
    private final Mode mode;
    private final Supplier<Status> status;
    private final Supplier<String> readiness;
    private final Supplier<Collection<Group>> groups;
    private final BooleanSupplier leased;
    private final Counters counters;
    private final StatusHistory history;

    /**
     * @param pipeline  the pipeline's name
     * @param instance  this instance's identity
     * @param mode      the mode
     * @param status    the pipeline's {@code status()}
     * @param readiness null when ready, else what is wrong ({@link Health}, cached)
     * @param groups    the groups now, for their leases
     * @param leased    whether leases are in use
     * @param counters  the running totals, with the refusals and failures
     * @param history   the samples
     */
    public StatusPage(String pipeline, String instance, Mode mode, Supplier<Status> status, Supplier<String> readiness,
            Supplier<Collection<Group>> groups, BooleanSupplier leased, Counters counters, StatusHistory history) {
        this.pipeline = pipeline;
        this.instance = instance;
        this.mode = mode;
        this.status = status;
        this.readiness = readiness;
        this.groups = groups;
        this.leased = leased;
        this.counters = counters;
        this.history = history;
    }

    /** The page now. */
    public String html() {
        return render(view());
    }

    /** What the page shows now. */
    View view() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        Map<String, Instant> until = new LinkedHashMap<>();
        for (Group g : groups.get()) {
            LeaseKeeper.Held held = g.held;
            if (held != null) {
                until.put(g.name, now.plusNanos(held.validUntilNanos() - nanos));
            }
        }
        return new View(pipeline, instance, mode, readiness.get(), leased.getAsBoolean(), now, status.get(), until,
                history.samples(), counters.errors.recent(), counters.refusals.recent());
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/html; charset=utf-8");
        h.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
                + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Cache-Control", "no-store");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Frame-Options", "DENY");
        return java.util.Collections.unmodifiableMap(h);
    }

    /**
     * Renders a page.
     *
     * @param v what to show
     * @return the HTML document
     */
    public static String render(View v) {
        Status st = v.status();
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(text(v.pipeline(), 100)).append(" \u2013 Failback status</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<header><h1>Failback <span class=\"name\">").append(text(v.pipeline(), 100)).append("</span></h1>")
                .append("<p class=\"sub\">status at ").append(TIME.format(v.now())).append(" UTC \u00b7 reloads every ")
                .append(REFRESH_SECONDS).append(" s</p></header>\n");
        summary(b, v, st);
        groups(b, v, st);
        chart(b, v);
        errors(b, v.errors());
        refusals(b, v.refusals());
        b.append("<footer>Served without authentication beside <code>/_/healthz</code> and <code>/_/varz</code>;"
                + " shows no row, key, value, token or connection string. Failures show their kind and SQLState,"
                + " refusals the leading clause of their reason: the full text is in the log.</footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, View v, Status st) {
        b.append("<section><dl class=\"summary\">");
        item(b, "Instance", "<code>" + text(v.instance(), 200) + "</code>");
        item(b, "State", "<span class=\"badge " + stateClass(st.state()) + "\">"
                + st.state().name().toLowerCase(Locale.ROOT) + "</span>");
        item(b, "Mode", v.mode().name().toLowerCase(Locale.ROOT));
        item(b, "Readiness", v.readiness() == null ? "<span class=\"badge ok\">ready</span>"
                : "<span class=\"badge bad\">not ready</span> " + text(v.readiness(), 300));
        boolean none = st.lastResolvedApplied() == null || st.lastResolvedApplied().equals(Hlc.ZERO);
        item(b, "Target lag", none ? "<span class=\"none\">no resolved timestamp yet</span>"
                : duration(StatusHistory.lagMillis(st.lastResolvedApplied(), v.now())) + " <span class=\"hint\">(the"
                        + " schema furthest behind)</span>");
        item(b, "Staged backlog", number(st.stagedBacklog()) + " rows");
        Status.Counters c = st.counters();
        item(b, "Applied since start", number(c.upserts() + c.deletes()) + " rows in " + number(c.windows())
                + " transactions");
        item(b, "Requests", number(c.requests()) + " (" + number(c.rejected() + c.unavailable()) + " refused)");
        b.append("</dl></section>\n");
    }

    private static void item(StringBuilder b, String term, String html) {
        b.append("<div><dt>").append(term).append("</dt><dd>").append(html).append("</dd></div>");
    }

    private static void groups(StringBuilder b, View v, Status st) {
        b.append("<section><h2>Target schemas</h2>\n");
        if (st.schemas().isEmpty()) {
            b.append("<p class=\"none\">No target schema yet: nothing received, no resolved timestamp yet.</p>"
                    + "</section>\n");
            return;
        }
        b.append("<table class=\"groups\"><thead><tr><th>Target schema</th><th>Lease</th>"
                + "<th>Applied resolved timestamp</th><th>Received resolved timestamp</th><th>Target lag</th>"
                + "<th class=\"num\">Backlog (staged rows)</th><th class=\"num\">Rows/s applied (last min)</th>"
                + "</tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Status.SchemaStatus> e : st.schemas().entrySet()) {
            Status.SchemaStatus s = e.getValue();
            long lag = StatusHistory.lagMillis(s.applied(), v.now());
            double rate = StatusHistory.rowsPerSecond(v.history(), e.getKey(), RATE_WINDOW);
            b.append("<tr class=\"group\"><td><code>").append(text(e.getKey(), 200)).append("</code></td><td>")
                    .append(lease(v, e.getKey(), s)).append("</td><td>").append(hlc(s.applied())).append("</td><td>")
                    .append(hlc(s.resolved())).append("</td><td>")
                    .append(lag < 0 ? "<span class=\"none\">no resolved timestamp yet</span>" : duration(lag))
                    .append("</td><td class=\"num\">").append(number(s.backlog())).append("</td><td class=\"num\">")
                    .append(Double.isNaN(rate) ? "<span class=\"none\">\u2014</span>"
                            : String.format(Locale.ROOT, "%,.1f", rate))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static String lease(View v, String group, Status.SchemaStatus s) {
        if (!v.leased()) {
            return "this instance <span class=\"hint\">(no leases: it applies every schema)</span>";
        }
        Instant until = v.leaseUntil().get(group);
        if (s.held() && until != null) {
            return "<span class=\"badge ok\">this instance</span> <span class=\"hint\">epoch " + s.epoch()
                    + ", until " + CLOCK.format(until) + " UTC</span>";
        }
        if (s.holder() == null) {
            return "<span class=\"none\">nobody yet</span>";
        }
        if (s.holder().equals(v.instance())) {
            return "this instance <span class=\"hint\">(epoch " + s.epoch() + ", not renewed: acquiring again)</span>";
        }
        return "<code>" + text(s.holder(), 200) + "</code> <span class=\"hint\">(another instance, epoch " + s.epoch()
                + "; this one stands by)</span>";
    }

    private static void chart(StringBuilder b, View v) {
        b.append("<section><h2>Target lag, last 15 minutes</h2>\n");
        Instant start = v.now().minus(SPAN);
        List<String> names = new ArrayList<>();
        long max = 0;
        int points = 0;
        for (StatusHistory.Sample s : v.history()) {
            if (s.at().isBefore(start)) {
                continue;
            }
            for (Map.Entry<String, StatusHistory.Point> p : s.groups().entrySet()) {
                if (!names.contains(p.getKey())) {
                    if (names.size() == MAX_LINES) {
                        continue;
                    }
                    names.add(p.getKey());
                }
                if (p.getValue().lagMillis() >= 0) {
                    max = Math.max(max, p.getValue().lagMillis());
                    points++;
                }
            }
        }
        if (points < 2) {
            b.append("<p class=\"none\">").append(points == 0 && v.history().stream().allMatch(
                    s -> s.groups().values().stream().allMatch(p -> p.lagMillis() < 0))
                            ? "No resolved timestamp yet: nothing to draw."
                            : "Not enough samples yet (one every " + StatusHistory.INTERVAL.toSeconds() + " s).")
                    .append("</p></section>\n");
            return;
        }
        Axis y = Axis.of(max);
        final int w = 1000;
        final int h = 300;
        final int left = 70;
        final int right = 20;
        final int top = 14;
        final int bottom = 50;
        double pw = w - left - right;
        double ph = h - top - bottom;
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<title id=\"chart-title\">Target lag per target schema over the last 15 minutes</title>\n");
        b.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(fmt(pw))
                .append("\" height=\"").append(fmt(ph)).append("\" class=\"plot\"/>\n");
        for (int i = 0; i <= y.ticks; i++) {
            double value = i * y.step;
            double py = top + ph - value / y.max * ph;
            b.append("<line class=\"grid\" x1=\"").append(left).append("\" x2=\"").append(fmt(left + pw))
                    .append("\" y1=\"").append(fmt(py)).append("\" y2=\"").append(fmt(py)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(left - 8).append("\" y=\"").append(fmt(py + 4))
                    .append("\" text-anchor=\"end\">").append(y.label(value)).append("</text>\n");
        }
        long spanMinutes = SPAN.toMinutes();
        for (long m = spanMinutes; m >= 0; m -= 3) {
            double px = left + (spanMinutes - m) / (double) spanMinutes * pw;
            b.append("<line class=\"grid\" x1=\"").append(fmt(px)).append("\" x2=\"").append(fmt(px)).append("\" y1=\"")
                    .append(top).append("\" y2=\"").append(fmt(top + ph)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(fmt(px)).append("\" y=\"").append(fmt(top + ph + 18))
                    .append("\" text-anchor=\"middle\">").append(m == 0 ? "now" : "\u2212" + m + " min")
                    .append("</text>\n");
        }
        b.append("<text class=\"axis\" x=\"").append(fmt(left + pw / 2)).append("\" y=\"").append(h - 6)
                .append("\" text-anchor=\"middle\">time (now = ").append(CLOCK.format(v.now())).append(" UTC)</text>\n");
        b.append("<text class=\"axis\" transform=\"translate(16 ").append(fmt(top + ph / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">target lag (").append(y.unit).append(")</text>\n");
        long spanMillis = SPAN.toMillis();
        long gap = StatusHistory.INTERVAL.toMillis() * 3;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            StringBuilder line = new StringBuilder();
            Instant previous = null;
            for (StatusHistory.Sample s : v.history()) {
                StatusHistory.Point p = s.groups().get(name);
                if (s.at().isBefore(start) || p == null || p.lagMillis() < 0) {
                    previous = null;
                    continue;
                }
                if (previous != null && Duration.between(previous, s.at()).toMillis() > gap) {
                    polyline(b, line, i); // a gap in the samples: the line breaks
                }
                previous = s.at();
                double px = left + Math.min(spanMillis, Duration.between(start, s.at()).toMillis())
                        / (double) spanMillis * pw;
                double py = top + ph - Math.min(p.lagMillis(), y.max * y.divisor) / (y.max * y.divisor) * ph;
                line.append(line.length() == 0 ? "" : " ").append(fmt(px)).append(',').append(fmt(py));
            }
            polyline(b, line, i);
        }
        b.append("</svg>\n<p class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            b.append("<span><i style=\"background:").append(COLOURS[i % COLOURS.length]).append("\"></i><code>")
                    .append(text(names.get(i), 200)).append("</code></span> ");
        }
        b.append("<span class=\"hint\">one sample every ").append(StatusHistory.INTERVAL.toSeconds())
                .append(" s, kept in memory for 15 min</span></p></section>\n");
    }

    private static void polyline(StringBuilder b, StringBuilder points, int colour) {
        if (points.length() == 0) {
            return;
        }
        if (points.indexOf(" ") < 0) { // one point: a dot
            String[] xy = points.toString().split(",");
            b.append("<circle class=\"series\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1])
                    .append("\" r=\"2.5\" fill=\"").append(COLOURS[colour % COLOURS.length]).append("\"/>\n");
        } else {
            b.append("<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"")
                    .append(COLOURS[colour % COLOURS.length]).append("\" points=\"").append(points).append("\"/>\n");
        }
        points.setLength(0);
    }

    /** The lag axis: its unit, step and top, chosen so that 2 to 5 steps cover the largest lag. */
    private record Axis(String unit, double divisor, double step, double max, int ticks) {
        static Axis of(long maxMillis) {
            double seconds = maxMillis / 1000.0;
            String unit = seconds < 180 ? "s" : seconds < 3 * 3600 ? "min" : "h";
            double divisor = unit.equals("s") ? 1000 : unit.equals("min") ? 60_000 : 3_600_000;
            double top = maxMillis / divisor;
            if (top <= 0) {
                return new Axis(unit, divisor, 0.5, 1, 2);
            }
            double raw = top / 4;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double r = raw / magnitude;
            double step = magnitude * (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10);
            int ticks = (int) Math.ceil(top / step - 1e-9);
            ticks = Math.max(1, ticks);
            return new Axis(unit, divisor, step, step * ticks, ticks);
        }

        String label(double value) {
            return value == Math.rint(value) ? Long.toString((long) value)
                    : String.format(Locale.ROOT, step >= 0.1 ? "%.1f" : "%.2f", value);
        }
    }

    private static void errors(StringBuilder b, List<RecentErrors.Entry> errors) {
        b.append("<section><h2>Last failures</h2>\n");
        if (errors.isEmpty()) {
            b.append("<p class=\"none\">None since start.</p></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>Last seen (UTC)</th><th>Target schema</th><th>Where</th><th>Kind</th>"
                + "<th>SQLState</th><th>Type</th><th class=\"num\">Times</th><th>First seen (UTC)</th></tr></thead>"
                + "\n<tbody>\n");
        for (RecentErrors.Entry e : errors) {
            b.append("<tr class=\"error\"><td>").append(TIME.format(e.last())).append("</td><td>")
                    .append(e.group() == null ? "<span class=\"none\">\u2014</span>"
                            : "<code>" + text(e.group(), 200) + "</code>")
                    .append("</td><td>").append(text(e.stage(), 20)).append("</td><td>").append(text(e.kind(), 20))
                    .append("</td><td>").append(e.sqlState() == null ? "" : "<code>" + text(e.sqlState(), 10) + "</code>")
                    .append("</td><td>").append(e.type() == null ? "" : text(e.type(), 80)).append("</td><td class=\"num\">")
                    .append(number(e.count())).append("</td><td>").append(TIME.format(e.first())).append("</td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    private static void refusals(StringBuilder b, List<Refusals.Refusal> refusals) {
        b.append("<section><h2>Last refused requests</h2>\n");
        if (refusals.isEmpty()) {
            b.append("<p class=\"none\">None since start.</p></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>Time (UTC)</th><th class=\"num\">Status</th><th>Method</th><th>Path</th>"
                + "<th>Reason</th></tr></thead>\n<tbody>\n");
        for (Refusals.Refusal r : refusals) {
            b.append("<tr class=\"refusal\"><td>").append(TIME.format(r.at())).append("</td><td class=\"num\">")
                    .append(r.status()).append("</td><td>").append(text(r.method(), 10)).append("</td><td><code>")
                    .append(text(r.path(), 200)).append("</code></td><td>").append(text(reason(r.reason()), 200))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table></section>\n");
    }

    /**
     * The leading clause of a refusal's reason, which Failback writes itself ({@code cannot apply},
     * {@code unknown path /x}, {@code missing or invalid access token}): what follows its first
     * {@code ": "} may be a database's or a parser's message quoting a key or a value.
     */
    static String reason(String reason) {
        int colon = reason.indexOf(": ");
        return colon < 0 ? reason : reason.substring(0, colon) + ": \u2026";
    }

    private static String hlc(Hlc t) {
        if (t == null || t.equals(Hlc.ZERO)) {
            return "<span class=\"none\">no resolved timestamp yet</span>";
        }
        return TIME.format(t.toInstant()) + " UTC<br><code class=\"hlc\">" + t + "</code>";
    }

    private static String duration(long millis) {
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String stateClass(State s) {
        return switch (s) {
            case RUNNING -> "ok";
            case FAILED -> "bad";
            default -> "warn";
        };
    }

    /** A text for the page: control characters escaped, at most {@code max} characters, then HTML-escaped. */
    static String text(String s, int max) {
        return escape(Refusals.printable(s, max));
    }

    /** Escapes {@code & < > " '} for HTML text and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{color-scheme:light;--fg:#1b1f24;--muted:#5b6570;--line:#d8dee4;--bg:#fff;--head:#f3f5f7}
            *{box-sizing:border-box}
            body{margin:0 auto;max-width:1160px;padding:20px 24px 40px;font:14px/1.45 system-ui,-apple-system,\
            "Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
            header{border-bottom:2px solid var(--line);margin-bottom:14px}
            h1{font-size:22px;margin:0 0 2px}h1 .name{color:#0b5cad}
            h2{font-size:16px;margin:22px 0 8px}
            .sub,.hint{color:var(--muted);font-size:12px}.sub{margin:0 0 10px}
            code{font:12.5px ui-monospace,"DejaVu Sans Mono",monospace}
            code.hlc{color:var(--muted);font-size:11px;white-space:nowrap}
            dl.summary{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:8px;margin:0}
            dl.summary div{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:var(--head)}
            dt{color:var(--muted);font-size:12px}dd{margin:2px 0 0;font-weight:600;overflow-wrap:anywhere}
            table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
            th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top;\
            overflow-wrap:anywhere}
            th{background:var(--head);font-weight:600;font-size:12.5px}
            tbody tr:nth-child(even){background:#fafbfc}
            .num{text-align:right}
            .none{color:var(--muted);font-style:italic}
            .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600}
            .ok{background:#dcf5e3;color:#146c2e}.warn{background:#fff1cc;color:#7a5200}.bad{background:#fde2e1;\
            color:#a1120b}
            svg.chart{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px}
            svg .plot{fill:#fcfcfd;stroke:#aab4be}svg .grid{stroke:#e4e8ec;stroke-width:1}
            svg .tick{font-size:12px;fill:var(--muted)}svg .axis{font-size:13px;fill:var(--fg)}
            .legend{margin:6px 0 0}.legend span{margin-right:14px}
            .legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:5px}
            footer{margin-top:26px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
            """;
}
