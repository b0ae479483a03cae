package dev.failback.examples.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations written the Go way, as MOLT's flags take them: {@code 250ms}, {@code 1s},
 * {@code 1m30s}, {@code 1.5h}, {@code 0}; units {@code ns us µs ms s m h}. ISO-8601 ({@code PT1S})
 * is accepted too. Stateless and thread-safe.
 */
public final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * Parses a Go duration.
     *
     * @param value the text
     * @return the duration
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static Duration parse(String value) {
        String s = value.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("PT") || s.startsWith("pt") || s.startsWith("P")) {
            return Duration.parse(s);
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < s.length() && m.find(at) && m.start() == at) {
            BigDecimal n = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        if (at == 0 || at != s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + value + "\" (expected a Go duration such as 250ms, 1s, 1m30s)");
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }

    /**
     * Writes a duration the Go way ({@code 1m30s}, {@code 250ms}).
     *
     * @param d the duration
     * @return the text
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() < 1000 && d.toNanos() % 1_000_000 == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder b = new StringBuilder();
        if (d.toHours() > 0) {
            b.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            b.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0 || b.length() == 0) {
            b.append(d.toSecondsPart());
            if (d.toMillisPart() > 0) {
                b.append('.').append(String.format("%03d", d.toMillisPart()).replaceAll("0+$", ""));
            }
            b.append('s');
        }
        return b.toString();
    }
}
