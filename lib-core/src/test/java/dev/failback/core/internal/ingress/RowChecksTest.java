package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowChecksTest {
    private static final TableInfo ORDERS = new TableInfo(new TableName("public", "orders"),
            List.of(column("region"), column("id"), column("note")), List.of("region", "id"), Set.of());

    private static ColumnInfo column(String name) {
        return new ColumnInfo(name, "text", "", true, false, false);
    }

    private static String check(String key, String after) {
        return RowChecks.check(ORDERS, new RowMessage(0, "orders", key, 2, new Hlc(1, 0), after, names(after), null));
    }

    /** The top-level field names of a row image, in order, as the decoder collects them. */
    private static List<String> names(String after) {
        if (after == null) {
            return List.of();
        }
        List<String> names = new java.util.ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(after)) {
            p.nextToken();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                names.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    @Test
    void acceptsARowWhoseKeyMatchesItsPrimaryKeyColumns() {
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"a\\u00e9\\ud83d\\ude00\"}")).isNull();
        assertThat(check("[\"eu\", 7]", "{\"id\":7.0,\"region\":\"\\u0065u\"}")).isNull(); // same values, spelled apart
        assertThat(check("[\"eu\", 7]", null)).isNull(); // a delete has no row to compare
    }

    @Test
    void refusesAKeyThatDiffersFromTheRow() {
        assertThat(check("[\"eu\", 8]", "{\"region\":\"eu\",\"id\":7}"))
                .contains("does not match the row's primary key").contains("column \"id\" is 7 in \"after\" but 8 in \"key\"");
        assertThat(check("[\"eu\", \"7\"]", "{\"region\":\"eu\",\"id\":7}")).contains("column \"id\"");
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"note\":\"n\"}")).contains("lacks primary-key column \"id\"");
    }

    @Test
    void refusesAColumnSentTwice() {
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"a\",\"note\":\"b\"}"))
                .contains("column \"note\" appears twice");
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"a\",\"NOTE\":\"b\"}"))
                .contains("column \"note\" appears twice").contains("as \"note\" and \"NOTE\"");
    }

    @Test
    void refusesLoneSurrogatesButNotPairsOrEscapedBackslashes() {
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"\\ud800\"}")).contains("lone UTF-16 surrogate");
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"\\udc00x\"}")).contains("lone");
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"\\ud800\\u0041\"}")).contains("lone");
        assertThat(check("[\"\\ud800\", 7]", "{\"region\":\"eu\",\"id\":7}")).contains("\"key\" holds a lone");
        assertThat(check("[\"eu\", 7]", "{\"region\":\"eu\",\"id\":7,\"note\":\"\\\\ud800\"}")).isNull(); // a backslash, then text
        assertThat(RowChecks.surrogates("after", "{\"n\":\"\\uD83D\\uDE00\"}")).isNull();
        assertThat(RowChecks.surrogates("after", "{\"n\":\"\\uD83D\"}")).isNotNull();
    }

    /**
     * The key scanner gives what the parser gives for every key it reads, and leaves to the parser what it
     * does not read (escapes, nested values, malformed text).
     */
    @Test
    void theKeyScannerReadsWhatTheParserReadsOrLeavesItToTheParser() throws Exception {
        List<String> read = List.of("[1]", "[ -12 , \"a b\" ]", "[\"us-east\", 42]", "[0, -0, 1.5, -2.50E+10, 3e-7, 7E2]",
                "[true, false, null]", "[]", " [ ] ", "[\"\u00e9\u2603\ud83d\ude00\"]", "[\"\"]",
                "[123456789012345678901234567890]");
        for (String key : read) {
            assertThat(RowChecks.scanKey(key)).as(key).isNotNull().isEqualTo(RowChecks.parseKey(key));
        }
        assertThat(RowChecks.scanKey("[0, -0, 1.5, -2.50E+10]")).extracting(RowChecks.Value::text)
                .containsExactly("0", "-0", "1.5", "-2.50E+10");
        List<String> left = List.of("[\"a\\\"b\"]", "[\"a\\u0041\"]", "[[1]]", "[{\"a\":1}]", "[01]", "[1.]", "[.5]",
                "[1e]", "[-]", "[1 2]", "[1,]", "[1]x", "1", "[\"a", "[tru]", "[1a]", "[\"tab\there\"]");
        for (String key : left) {
            assertThat(RowChecks.scanKey(key)).as(key).isNull();
        }
        assertThat(RowChecks.keyValues("[\"a\\\"b\"]")).extracting(RowChecks.Value::text).containsExactly("a\"b");
        java.util.Random random = new java.util.Random(5);
        String[] parts = {"0", "-1", "17", "3.25", "1E+3", "-0.5e-2", "\"x\"", "\"\"", "\"a-b_c.d\"", "true", "null", "\"\u00fc\""};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder b = new StringBuilder("[");
            for (int k = random.nextInt(4); k >= 0; k--) {
                b.append(random.nextBoolean() ? " " : "").append(parts[random.nextInt(parts.length)])
                        .append(k > 0 ? "," : "");
            }
            String key = b.append(random.nextBoolean() ? " ]" : "]").toString();
            assertThat(RowChecks.scanKey(key)).as(key).isEqualTo(RowChecks.parseKey(key));
        }
    }

    /**
     * The row-key scanner gives the primary-key values the parser gives, on generated row images with nested
     * values, escapes, odd spacing and case-folded names, or declines; it reads the plain ones.
     */
    @Test
    void theRowKeyScannerReadsWhatTheParserReadsOrDeclines() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String[] names = {"region", "id", "ID", "note", "other", "n\\u0061me", "x y"};
        String[] values = {"1", "-0", "2.50", "1E+3", "-7e-2", "\"eu\"", "\"\"", "\"a\\\"b\"", "\"}]{[,\"", "\"\u00e9\"",
                "true", "false", "null", "{}", "[]", "{\"a\": [1, \"]}\", {\"b\": null}]}", "[[\"x\"], {\"c\": \"{\"}]",
                "\"\\u0041\""};
        String[] spaces = {"", " ", "\n", " \t "};
        int scanned = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(spaces[random.nextInt(4)]).append('{');
            java.util.Set<String> used = new java.util.HashSet<>();
            int fields = random.nextInt(6);
            for (int f = 0; f < fields; f++) {
                String name = names[random.nextInt(names.length)];
                if (!used.add(name.toLowerCase(java.util.Locale.ROOT))) {
                    continue; // the decoder's check refuses a column twice before this runs
                }
                b.append(used.size() > 1 ? "," : "").append(spaces[random.nextInt(4)]).append('"').append(name).append('"')
                        .append(spaces[random.nextInt(4)]).append(':').append(spaces[random.nextInt(4)])
                        .append(values[random.nextInt(values.length)]).append(spaces[random.nextInt(4)]);
            }
            String after = b.append('}').append(spaces[random.nextInt(4)]).toString();
            RowChecks.Value[] scan = new RowChecks.Value[2];
            RowChecks.Value[] parse = new RowChecks.Value[2];
            assertThat(RowChecks.parseRowKey(ORDERS, after, parse)).as(after).isNull();
            if (RowChecks.scanRowKey(ORDERS, after, scan)) {
                scanned++;
                assertThat(scan).as(after).isEqualTo(parse);
            }
        }
        assertThat(scanned).as("row images read by the scanner").isGreaterThan(10_000);
        RowChecks.Value[] none = new RowChecks.Value[2];
        assertThat(RowChecks.scanRowKey(ORDERS, "[1]", none)).isFalse();
        assertThat(RowChecks.scanRowKey(ORDERS, "{\"id\": 1a}", none)).isFalse();
        assertThat(RowChecks.scanRowKey(ORDERS, "{\"id\" 1}", none)).isFalse();
    }
}
