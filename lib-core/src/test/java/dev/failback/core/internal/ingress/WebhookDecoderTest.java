package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.failback.Hlc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookDecoderTest {

    private static final String FIXTURES = "/fixtures/changefeed/";
    private static final String T1 = "1759246931287415902.0000000000";

    private final WebhookDecoder decoder = new WebhookDecoder(64, 1_000_000);

    // ---------------------------------------------------------------- fixtures, driven by manifest.json

    static Stream<Map<String, Object>> manifestEntries() {
        return manifestFiles().stream();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> manifestFiles() {
        Map<String, Object> manifest = (Map<String, Object>) TestJson.parse(fixtureText("manifest.json"));
        return (List<Map<String, Object>>) manifest.get("fixtures");
    }

    @Test
    void manifestListsEveryFixtureFile() throws Exception {
        Path dir = Paths.get(WebhookDecoderTest.class.getResource(FIXTURES + "manifest.json").toURI()).getParent();
        List<String> onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.equals("manifest.json"))
                    .sorted().collect(Collectors.toList());
        }
        List<String> listed = manifestFiles().stream().map(m -> (String) m.get("file")).sorted()
                .collect(Collectors.toList());
        assertThat(onDisk).isNotEmpty().isEqualTo(listed);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("manifestEntries")
    void decodesEveryFixtureAsTheManifestSays(Map<String, Object> entry) {
        String file = (String) entry.get("file");
        byte[] body = fixture(file);
        assertThat(body).hasSize(((Number) entry.get("bytes")).intValue());
        switch ((String) entry.get("kind")) {
            case "rows" -> {
                DecodedBody decoded = decoder.decode(body);
                assertThat(decoded).as(file).isInstanceOf(DecodedBody.Rows.class);
                List<RowMessage> messages = ((DecodedBody.Rows) decoded).messages();
                List<Map<String, Object>> expected = (List<Map<String, Object>>) entry.get("messages");
                assertThat(messages).as(file).hasSize(expected.size())
                        .hasSize(((Number) entry.get("length")).intValue());
                for (int i = 0; i < expected.size(); i++) {
                    RowMessage m = messages.get(i);
                    Map<String, Object> e = expected.get(i);
                    String what = file + " payload[" + i + "]";
                    assertThat(m.index()).as(what).isEqualTo(i);
                    assertThat(m.topic()).as(what).isEqualTo(e.get("topic"));
                    assertThat(TestJson.parse(m.key())).as(what).isEqualTo(e.get("key"));
                    assertThat(m.keyArity()).as(what).isEqualTo(((List<?>) e.get("key")).size());
                    assertThat(m.updated()).as(what).isEqualTo(Hlc.parse((String) e.get("updated")));
                    switch ((String) e.get("op")) {
                        case "delete" -> {
                            assertThat(m.isDelete()).as(what).isTrue();
                            assertThat(m.afterColumns()).as(what).isEmpty();
                        }
                        case "insert", "upsert(no diff)" -> {
                            assertThat(m.isDelete()).as(what).isFalse();
                            assertThat(m.before()).as(what).isNull();
                        }
                        case "update" -> {
                            assertThat(m.isDelete()).as(what).isFalse();
                            assertThat(m.before()).as(what).isNotNull();
                        }
                        case "bare-row" -> assertThat(m.isDelete()).as(what).isFalse();
                        default -> throw new AssertionError("unknown op in manifest: " + e.get("op"));
                    }
                    assertSlicesAreExact(file, body, m);
                }
            }
            case "resolved" -> assertThat(decoder.decode(body)).as(file)
                    .isEqualTo(new DecodedBody.ResolvedBody(Hlc.parse((String) entry.get("resolved"))));
            case "invalid" -> {
                WebhookException e = rejected(() -> decoder.decode(body));
                assertThat(e).as(file).isNotNull();
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).doesNotContain("\n");
            }
            default -> throw new AssertionError("unknown kind in manifest: " + entry.get("kind"));
        }
    }

    /** Slices are verbatim pieces of the body (for wrapped messages) and well-formed JSON of the right kind. */
    @SuppressWarnings("unchecked")
    private static void assertSlicesAreExact(String file, byte[] body, RowMessage m) {
        String text = new String(body, StandardCharsets.UTF_8);
        boolean bare = text.contains("\"__crdb__\"");
        assertThat(text).as(file).contains(m.key());
        assertThat(TestJson.parse(m.key())).isInstanceOf(List.class);
        if (m.after() != null) {
            if (!bare) {
                assertThat(text).as(file).contains(m.after());
            }
            Object after = TestJson.parse(m.after());
            assertThat(after).isInstanceOf(Map.class);
            assertThat(m.afterColumns()).isEqualTo(new ArrayList<>(((Map<String, Object>) after).keySet()));
        }
        if (m.before() != null) {
            assertThat(text).as(file).contains(m.before());
            assertThat(TestJson.parse(m.before())).isInstanceOf(Map.class);
        }
    }

    @Test
    void allColumnTypesKeepTheirExactText() {
        RowMessage m = single("12-all-column-types.json");
        assertThat(m.topic()).isEqualTo("type_zoo");
        assertThat(m.key()).isEqualTo("[1]");
        assertThat(m.after())
                .startsWith("{\"c_bit4\": \"1010\", ")
                .endsWith(", \"id\": 1}")
                .contains("\"c_decimal_scaled\": 1234.5000")
                .contains("\"c_int8\": 9223372036854775807")
                .contains("\"c_decimal_exp\": 1.5E+10")
                .contains("\"c_decimal_small\": 0.00012300")
                .contains("\"c_float8_hundred\": 1E+2")
                .contains("\"c_decimal_array\": [1.10, 2.00]")
                .contains("\"c_collated\": \"straße\"")
                .contains("\"c_jsonb\": {\"Z\": true, \"n\": 1.50, \"nested\": {\"x\": null}, \"tags\": [\"a\", \"b\"]}")
                .contains("\"c_string\": \"Hello, 世界 \\\"quoted\\\" \\\\ back\\nnew line\\ttab <b>&amp;</b> \\u0001\"");
        String text = fixtureText("12-all-column-types.json");
        int start = text.indexOf("{\"c_bit4\"");
        assertThat(m.after()).isEqualTo(text.substring(start, text.indexOf(", \"before\": null")));
        assertThat(m.afterColumns()).hasSize(56).startsWith("c_bit4", "c_bool", "c_bool_array").endsWith("c_varbit", "id");
        assertThat(m.before()).isNull();
        assertThat(m.updated()).isEqualTo(new Hlc(1759246975662390001L, 0));
    }

    @Test
    void legacyCompactFormatKeepsGoHtmlEscapes() {
        RowMessage m = single("16-legacy-compact-format.json");
        assertThat(m.after()).contains("\"notes\":\"\\u003cfragile\\u003e \\u0026 \\\"rush\\\"\"")
                .contains("\"total\":42.00");
        assertThat(m.key()).isEqualTo("[\"7c9e6679-7425-40de-944b-e07fc1f90ae7\"]");
        assertThat(m.afterColumns())
                .containsExactly("created_at", "currency", "employee_id", "id", "notes", "status", "total");
    }

    @Test
    void bareEnvelopeRowBecomesAnObjectOfTheOtherFields() {
        RowMessage m = single("17-bare-envelope-rows.json");
        assertThat(m.topic()).isEqualTo("employees");
        assertThat(m.key()).isEqualTo("[4]");
        assertThat(m.updated()).isEqualTo(Hlc.parse(T1));
        assertThat(m.after()).isEqualTo("{\"active\": true, \"department\": \"Research\", "
                + "\"email\": \"katherine@example.com\", \"hired_at\": \"2025-09-30T15:42:11.287416Z\", \"id\": 4, "
                + "\"manager_id\": 1, \"name\": \"Katherine Johnson\", \"salary\": 158250.75}");
        assertThat(m.afterColumns()).containsExactly("active", "department", "email", "hired_at", "id",
                "manager_id", "name", "salary");
        assertThat(m.before()).isNull();
    }

    @Test
    void bareEnvelopeColumnsNamedLikeEnvelopeFieldsAreColumns() {
        RowMessage m = decodeRows("{\"payload\":[{\"ID\": 7, \"__crdb__\": {\"key\": [7], \"topic\": \"t\", "
                + "\"updated\": \"" + T1 + "\"}, \"after\": [1, {\"x\": \"y\"}], \"key\": \"k\\\"\\\\\", "
                + "\"topic\": null, \"na\\u006de\": \"ü\"}]}").get(0);
        assertThat(m.key()).isEqualTo("[7]");
        assertThat(m.topic()).isEqualTo("t");
        assertThat(m.after()).isEqualTo("{\"ID\": 7, \"after\": [1, {\"x\": \"y\"}], \"key\": \"k\\\"\\\\\", "
                + "\"topic\": null, \"na\\u006de\": \"ü\"}");
        assertThat(m.afterColumns()).containsExactly("ID", "after", "key", "topic", "name");
        assertThat(TestJson.parse(m.after())).isInstanceOf(Map.class);
    }

    @Test
    void bareEnvelopeResolved() {
        assertThat(decode("{\"__crdb__\":{\"resolved\":\"" + T1 + "\"}}"))
                .isEqualTo(new DecodedBody.ResolvedBody(Hlc.parse(T1)));
    }

    @Test
    void deletesWithAndWithoutDiff() {
        RowMessage withDiff = rows("07-delete-with-diff.json").get(1);
        assertThat(withDiff.after()).isNull();
        assertThat(withDiff.afterColumns()).isEmpty();
        assertThat(withDiff.before()).startsWith("{\"created_at\": \"2025-09-30T15:42:18.774123\", \"currency\": \"USD\"").endsWith("}");
        RowMessage withoutDiff = single("08-delete-without-diff.json");
        assertThat(withoutDiff.isDelete()).isTrue();
        assertThat(withoutDiff.before()).isNull();
        assertThat(withoutDiff.keyArity()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- malformed fixtures

    @Test
    void truncatedBodyIsNotValidJson() {
        assertBadRequest(fixture("90-malformed-truncated.json"))
                .matches("body is not valid JSON at line 1, column \\d+: Unexpected end-of-input.*");
    }

    @Test
    void lengthMismatch() {
        assertBadRequest(fixture("91-malformed-length-mismatch.json"))
                .isEqualTo("\"length\" is 3 but \"payload\" has 2 messages");
    }

    @Test
    void missingKeyIsNamed() {
        assertBadRequest(fixture("92-malformed-bad-hlc-missing-key.json")).isEqualTo("payload[0]: \"key\" is required");
    }

    @Test
    void emptyBody() {
        assertBadRequest(fixture("93-malformed-empty-body.json")).isEqualTo("body is empty");
        assertBadRequest(" \r\n\t ".getBytes(StandardCharsets.UTF_8)).isEqualTo("body is empty");
    }

    @Test
    void topLevelArray() {
        assertBadRequest(fixture("94-malformed-top-level-array.json"))
                .isEqualTo("body must be a JSON object with \"payload\" or \"resolved\", not an array");
    }

    @Test
    void resolvedNumber() {
        assertBadRequest(fixture("95-malformed-resolved-number.json"))
                .isEqualTo("\"resolved\" must be a string HLC timestamp, not a number");
    }

    // ---------------------------------------------------------------- body forms and tolerance

    @Test
    void syntheticHlcWithTrailingQuestionMark() {
        RowMessage m = decodeRows(row("\"updated\": \"1759246931287415902.0000000003?\"")).get(0);
        assertThat(m.updated()).isEqualTo(new Hlc(1759246931287415902L, 3));
        assertThat(decode("{\"resolved\":\"10.0000000001?\"}")).isEqualTo(new DecodedBody.ResolvedBody(new Hlc(10, 1)));
    }

    @Test
    void earliestFormWithoutLength() {
        assertThat(decodeRows(row(updated()))).hasSize(1);
    }

    @Test
    void emptyPayloadIsAnEmptyBatch() {
        assertThat(decodeRows("{\"payload\":[],\"length\":0}")).isEmpty();
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() {
        String body = "{\"schema\": {\"x\": [1, {\"payload\": 2}]}, \"payload\":[{\"op\": \"c\", \"after\": {\"a\": 1}, "
                + "\"source\": {\"nested\": [[{}]], \"key\": 5}, \"key\": [1], \"mvcc_timestamp\": \"x\", "
                + "\"topic\": \"t\", \"ts_ns\": 12, \"updated\": \"" + T1 + "\", \"extra\": null}],"
                + "\"length\":1, \"trailer\": \"z\"}";
        RowMessage m = decodeRows(body).get(0);
        assertThat(m.after()).isEqualTo("{\"a\": 1}");
        assertThat(m.key()).isEqualTo("[1]");
        assertThat(m.topic()).isEqualTo("t");
    }

    @Test
    void fieldOrderIsNotAssumed() {
        String body = "{\"length\":2,\"payload\":[{\"updated\": \"" + T1 + "\", \"topic\": \"t\", \"before\": {\"a\": 0}, "
                + "\"key\": [9223372036854775807, \"ü\"], \"after\": {\"b\": 1.50, \"a\": 2}},"
                + "{\"topic\": \"t\", \"key\": [2], \"updated\": \"" + T1 + "\", \"after\": null}]}";
        List<RowMessage> messages = decodeRows(body);
        RowMessage m = messages.get(0);
        assertThat(m.key()).isEqualTo("[9223372036854775807, \"ü\"]");
        assertThat(m.keyArity()).isEqualTo(2);
        assertThat(m.after()).isEqualTo("{\"b\": 1.50, \"a\": 2}");
        assertThat(m.afterColumns()).containsExactly("b", "a");
        assertThat(m.before()).isEqualTo("{\"a\": 0}");
        assertThat(messages.get(1).isDelete()).isTrue();
        assertThat(messages.get(1).index()).isEqualTo(1);
    }

    /**
     * Found by WebhookDecoderFuzzIT in CI (seed 10557841402140): a broken byte in a field the decoder
     * skips (an unknown message field's name, once the parser knows a name of the same hash, or an
     * unknown field's value) was accepted; the body is now checked whole.
     */
    @Test
    void fuzzRegressionInvalidUtf8OutsideTheKeptFieldsIsRejected() {
        String t = "\"topic\": \"t\", " + updated();
        assertBadRequest(bytes("{\"payload\":[{\"after\": {\"a\": 1}, \"key\": [1], \"x\": \"y", 0xFF, "\", " + t
                + "}]}")).contains("UTF-8");
        assertBadRequest(bytes("{\"x\": [\"", 0xC0, 0x80, "\"], \"payload\":[{\"after\": {\"a\": 1}, \"key\": [1], "
                + t + "}]}")).contains("UTF-8");
        assertBadRequest(bytes("{\"resolved\": \"" + T1 + "\", \"n", 0xF8, "\": 1}")).contains("UTF-8");
        // the same name twice in one decoder: the second read may come from the parser's name table
        WebhookDecoder decoder = new WebhookDecoder(64, 1 << 20);
        for (int i = 0; i < 2; i++) {
            byte[] body = bytes("{\"payload\":[{\"after\": {\"a\": 1}, \"befo", 0xFF, "e\": {}, \"key\": [1], " + t
                    + "}]}");
            assertThatThrownBy(() -> decoder.decode(body)).isInstanceOf(WebhookException.class)
                    .hasMessageContaining("UTF-8");
        }
    }

    /** Found by WebhookDecoderFuzzIT: Jackson does not check UTF-8 in field names or skipped strings. */
    @Test
    void fuzzRegressionInvalidUtf8InsideRowValuesIsRejectedNotReplaced() {
        String t = "\"topic\": \"t\", " + updated();
        assertBadRequest(bytes("{\"payload\":[{\"after\": {\"e", 0xED, 0xA0, 0x80, "mail\": 1}, \"key\": [1], " + t + "}]}"))
                .isEqualTo("payload[0]: \"after\" is not valid UTF-8");
        assertBadRequest(bytes("{\"payload\":[{\"after\": {\"a\": 1}, \"key\": [{\"k", 0xFF, "\": 1}], " + t + "}]}"))
                .contains("UTF-8");
        assertBadRequest(bytes("{\"payload\":[{\"after\": null, \"before\": {\"b", 0xED, 0xA0, 0x80, "\": 1}, \"key\": [1], "
                + t + "}]}")).contains("UTF-8");
        assertBadRequest(bytes("{\"payload\":[{\"__crdb__\": {\"key\": [1], " + t + "}, \"c", 0xC0, 0x80, "\": 1}]}"))
                .contains("UTF-8");
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @Test
    void utf8ByteOrderMarkIsTolerated() {
        byte[] json = row(updated()).getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(json, 0, body, 3, json.length);
        RowMessage m = ((DecodedBody.Rows) decoder.decode(body)).messages().get(0);
        assertThat(m.key()).isEqualTo("[1]");
        assertThat(m.after()).isEqualTo("{\"a\": 1}");
    }

    @Test
    void decodesConcurrently() {
        List<String> files = manifestFiles().stream().filter(e -> !"invalid".equals(e.get("kind")))
                .map(e -> (String) e.get("file")).collect(Collectors.toList());
        List<DecodedBody> once = files.stream().map(f -> decoder.decode(fixture(f))).collect(Collectors.toList());
        for (int round = 0; round < 20; round++) {
            List<DecodedBody> parallel = files.parallelStream().map(f -> decoder.decode(fixture(f)))
                    .collect(Collectors.toList());
            assertThat(parallel).isEqualTo(once);
        }
    }

    // ---------------------------------------------------------------- validation

    @Test
    void bothPayloadAndResolved() {
        assertBadRequest("{\"payload\":[],\"resolved\":\"" + T1 + "\"}").startsWith("body has both \"payload\" and \"resolved\"");
        assertBadRequest("{\"resolved\":\"" + T1 + "\",\"payload\":[]}").startsWith("body has both \"payload\" and \"resolved\"");
        assertBadRequest("{\"__crdb__\":{\"resolved\":\"" + T1 + "\"},\"payload\":[]}")
                .startsWith("body has both \"payload\" and \"resolved\"");
    }

    @Test
    void duplicateFields() {
        assertBadRequest("{\"payload\":[],\"payload\":[]}").isEqualTo("\"payload\" appears twice");
        assertBadRequest("{\"resolved\":\"" + T1 + "\",\"resolved\":\"" + T1 + "\"}").isEqualTo("\"resolved\" appears twice");
        assertBadRequest("{\"resolved\":\"" + T1 + "\",\"__crdb__\":{\"resolved\":\"" + T1 + "\"}}")
                .startsWith("\"__crdb__.resolved\" appears twice");
        assertBadRequest("{\"payload\":[],\"length\":0,\"length\":0}").isEqualTo("\"length\" appears twice");
        assertBadRequest(row("\"key\": [2], " + updated())).isEqualTo("payload[0]: \"key\" appears twice");
    }

    @Test
    void messageFieldsAreValidated() {
        assertBadRequest(rowWithout("\"updated\": \"2025-09-30T15:42:11.287415902Z\""))
                .isEqualTo("payload[0]: \"updated\" is not an HLC timestamp: \"2025-09-30T15:42:11.287415902Z\"");
        assertBadRequest("{\"payload\":[" + message(updated()) + "," + message("") + "]}")
                .isEqualTo("payload[1]: \"updated\" is required (create the changefeed WITH updated)");
        assertBadRequest(rowWithout("\"updated\": 12")).isEqualTo("payload[0]: \"updated\" must be a string HLC timestamp, not a number");
        assertBadRequest("{\"payload\":[{\"after\": null, \"topic\": \"t\", " + updated() + "}]}")
                .isEqualTo("payload[0]: \"key\" is required");
        assertBadRequest("{\"payload\":[{\"key\": {\"id\": 1}, \"topic\": \"t\", " + updated() + "}]}")
                .isEqualTo("payload[0]: \"key\" must be a JSON array, not an object");
        assertBadRequest("{\"payload\":[{\"key\": [], \"topic\": \"t\", " + updated() + "}]}")
                .isEqualTo("payload[0]: \"key\" must not be an empty array");
        assertBadRequest("{\"payload\":[{\"key\": [1], " + updated() + "}]}").isEqualTo("payload[0]: \"topic\" is required");
        assertBadRequest("{\"payload\":[{\"key\": [1], \"topic\": \"\", " + updated() + "}]}")
                .isEqualTo("payload[0]: \"topic\" must not be empty");
        assertBadRequest("{\"payload\":[{\"key\": [1], \"topic\": 5, " + updated() + "}]}")
                .isEqualTo("payload[0]: \"topic\" must be a string, not a number");
        assertBadRequest("{\"payload\":[" + message(updated()) + "," + message(updated()) + ","
                + "{\"after\": [1], \"key\": [1], \"topic\": \"t\", " + updated() + "}]}")
                .isEqualTo("payload[2]: \"after\" must be an object or null, not an array");
        assertBadRequest("{\"payload\":[{\"before\": \"x\", \"key\": [1], \"topic\": \"t\", " + updated() + "}]}")
                .isEqualTo("payload[0]: \"before\" must be an object or null, not a string");
        assertBadRequest("{\"payload\":[[1]]}").isEqualTo("payload[0]: message must be a JSON object, not an array");
        assertBadRequest("{\"payload\":[{\"__crdb__\": {\"topic\": \"t\", " + updated() + "}, \"a\": 1}]}")
                .isEqualTo("payload[0]: \"__crdb__.key\" is required");
        assertBadRequest("{\"payload\":[{\"__crdb__\": 1}]}").isEqualTo("payload[0]: \"__crdb__\" must be an object, not a number");
    }

    @Test
    void envelopeIsValidated() {
        assertBadRequest("{\"payload\":{}}").isEqualTo("\"payload\" must be an array, not an object");
        assertBadRequest("{\"payload\":[],\"length\":\"0\"}").isEqualTo("\"length\" must be an integer, not a string");
        assertBadRequest("{\"payload\":[],\"length\":1.0}").isEqualTo("\"length\" must be an integer, not a number");
        assertBadRequest("{\"payload\":[],\"length\":99999999999999999999999}").startsWith("\"length\" is out of range");
        assertBadRequest("{\"payload\":[" + message(updated()) + "],\"length\":2}")
                .isEqualTo("\"length\" is 2 but \"payload\" has 1 message");
        assertBadRequest("{}").isEqualTo("body has neither \"payload\" nor \"resolved\"");
        assertBadRequest("{\"__crdb__\":{\"updated\":\"1.0000000000\"}}").isEqualTo("body has neither \"payload\" nor \"resolved\"");
        assertBadRequest("\"payload\"").isEqualTo("body must be a JSON object with \"payload\" or \"resolved\", not a string");
        assertBadRequest("{\"resolved\":\"soon\"}").isEqualTo("\"resolved\" is not an HLC timestamp: \"soon\"");
        assertBadRequest("{\"resolved\":null}").isEqualTo("\"resolved\" must be a string HLC timestamp, not null");
        assertBadRequest("{\"__crdb__\":{\"resolved\":1}}")
                .isEqualTo("\"__crdb__.resolved\" must be a string HLC timestamp, not a number");
        assertBadRequest("{\"resolved\":\"bad\nline\"}").doesNotContain("\n");
    }

    @Test
    void trailingDataIsRejected() {
        String ok = "{\"resolved\":\"" + T1 + "\"}";
        assertThat(decode(ok + " \n")).isInstanceOf(DecodedBody.ResolvedBody.class);
        assertBadRequest(ok + "{}").startsWith("body has data after the JSON object at line 1, column");
        assertBadRequest(ok + " garbage").startsWith("body has data after the JSON object at line 1, column");
        assertBadRequest(ok + ",").startsWith("body has data after the JSON object");
    }

    @Test
    void invalidJsonNamesThePosition() {
        assertBadRequest("{\"payload\":[{\"key\": [1,]}]}").startsWith("body is not valid JSON at line 1, column 24: ");
        assertBadRequest("{\"payload\":[{\"key\": [1], \"topic\": \"t\",\n" + updated() + "}]")
                .startsWith("body is not valid JSON at line 2, column ");
    }

    @Test
    void nestingOverTheLimit() {
        WebhookDecoder shallow = new WebhookDecoder(6, 1000);
        String ok = "{\"payload\":[{\"after\": {\"j\": {\"k\": 1}}, \"key\": [1], \"topic\": \"t\", " + updated() + "}]}";
        assertThat(((DecodedBody.Rows) shallow.decode(ok.getBytes(StandardCharsets.UTF_8))).messages()).hasSize(1);
        String deep = "{\"payload\":[{\"after\": {\"j\": {\"k\": {\"l\": {\"m\": 1}}}}, \"key\": [1], \"topic\": \"t\", "
                + updated() + "}]}";
        WebhookException e = rejected(() -> shallow.decode(deep.getBytes(StandardCharsets.UTF_8)));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("body nests JSON deeper than the limit of 6 levels");
        assertBadRequest("{\"payload\":[{\"x\": " + "[".repeat(100_000) + "]}")
                .isEqualTo("body nests JSON deeper than the limit of 64 levels");
        assertBadRequest("{\"unknown\": " + "{\"a\":".repeat(100_000) + "}")
                .isEqualTo("body nests JSON deeper than the limit of 64 levels");
    }

    @Test
    void longStringsOverTheLimit() {
        WebhookDecoder small = new WebhookDecoder(64, 100);
        String topic = "t".repeat(101);
        String body = "{\"payload\":[{\"key\": [1], \"topic\": \"" + topic + "\", " + updated() + "}]}";
        WebhookException e = rejected(() -> small.decode(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(e.getMessage()).isEqualTo("body has a string longer than the limit of 100 characters");
        String name = "{\"" + "n".repeat(101) + "\": 1, \"resolved\": \"" + T1 + "\"}";
        assertThatThrownBy(() -> small.decode(name.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("body has a field name longer than the limit of 100 characters");
    }

    @Test
    void rowMessagesAreReservedAsTheyAreRead() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            messages.add("{\"after\": {\"id\": " + i + "}, \"key\": [" + i + "], \"topic\": \"t\", " + updated() + "}");
        }
        byte[] body = ("{\"payload\":[" + String.join(",", messages) + "]}").getBytes(StandardCharsets.UTF_8);
        MemoryBudget budget = new MemoryBudget(1L << 20);
        try (MemoryBudget.Reservation memory = budget.open()) {
            assertThat(decoder.decode(body, memory)).isInstanceOf(DecodedBody.Rows.class);
            assertThat(memory.held()).isEqualTo(128L * WebhookDecoder.HEAP_PER_MESSAGE); // in blocks of 64
        }
        MemoryBudget small = new MemoryBudget(64L * WebhookDecoder.HEAP_PER_MESSAGE);
        WebhookException e = rejected(() -> decoder.decode(body, small.open()));
        assertThat(e.status()).isEqualTo(413);
        MemoryBudget shared = new MemoryBudget(200L * WebhookDecoder.HEAP_PER_MESSAGE);
        shared.open().reserve(100L * WebhookDecoder.HEAP_PER_MESSAGE);
        assertThatThrownBy(() -> decoder.decode(body, shared.open())).isInstanceOf(MemoryBudget.ExhaustedException.class);
        assertThat(decoder.decode("{\"resolved\": \"1.0\"}".getBytes(StandardCharsets.UTF_8), small.open()))
                .isInstanceOf(DecodedBody.ResolvedBody.class);
    }

    @Test
    void hugeRowStringsAreSlicedNotBufferedWhateverTheStringLimit() {
        WebhookDecoder small = new WebhookDecoder(64, 100);
        String value = "a".repeat(1 << 20) + "\\u00e9\u00e9\u0101"; // an escape, Latin-1 and beyond
        byte[] body = ("{\"payload\":[{\"after\": {\"id\": 1, \"v\": \"" + value + "\"}, \"before\": {\"v\": \""
                + value + "\"}, \"key\": [\"" + value + "\"], \"topic\": \"t\", " + updated() + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        RowMessage m = ((DecodedBody.Rows) small.decode(body)).messages().get(0);
        assertThat(m.after()).isEqualTo("{\"id\": 1, \"v\": \"" + value + "\"}");
        assertThat(m.before()).isEqualTo("{\"v\": \"" + value + "\"}");
        assertThat(m.key()).isEqualTo("[\"" + value + "\"]");
        byte[] bare = ("{\"payload\":[{\"id\": 1, \"v\": \"" + value + "\", \"__crdb__\": {\"key\": [1],"
                + " \"topic\": \"t\", " + updated() + "}}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(((DecodedBody.Rows) small.decode(bare)).messages().get(0).after())
                .isEqualTo("{\"id\": 1, \"v\": \"" + value + "\"}");
        // a pipeline's limit still refuses a topic or name that Jackson would buffer whole
        WebhookDecoder pipeline = new WebhookDecoder(64, WebhookDecoder.MAX_TEXT_LENGTH);
        String topic = "t".repeat(WebhookDecoder.MAX_TEXT_LENGTH + 1);
        WebhookException e = rejected(() -> pipeline.decode(("{\"payload\":[{\"key\": [1], \"topic\": \"" + topic
                + "\", " + updated() + "}]}").getBytes(StandardCharsets.UTF_8)));
        assertThat(e.getMessage()).isEqualTo("body has a string longer than the limit of 1048576 characters");
    }

    @Test
    void constructorRejectsUselessLimits() {
        assertThatThrownBy(() -> new WebhookDecoder(3, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxNestingDepth must be >= 4, but was 3");
        assertThatThrownBy(() -> new WebhookDecoder(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxStringLength must be >= 1, but was 0");
        assertThatThrownBy(() -> decoder.decode(null)).isInstanceOf(NullPointerException.class).hasMessage("body");
    }

    // ---------------------------------------------------------------- helpers

    private static String updated() {
        return "\"updated\": \"" + T1 + "\"";
    }

    /** One message with after/key/topic plus the given fields ({@code extra} may be empty or end without a comma). */
    private static String message(String extra) {
        return "{\"after\": {\"a\": 1}, \"key\": [1], \"topic\": \"t\"" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static String row(String extra) {
        return "{\"payload\":[" + message(extra) + "]}";
    }

    private static String rowWithout(String updatedField) {
        return row(updatedField);
    }

    private DecodedBody decode(String body) {
        return decoder.decode(body.getBytes(StandardCharsets.UTF_8));
    }

    private List<RowMessage> decodeRows(String body) {
        DecodedBody decoded = decode(body);
        assertThat(decoded).isInstanceOf(DecodedBody.Rows.class);
        return ((DecodedBody.Rows) decoded).messages();
    }

    private List<RowMessage> rows(String file) {
        return ((DecodedBody.Rows) decoder.decode(fixture(file))).messages();
    }

    private RowMessage single(String file) {
        List<RowMessage> messages = rows(file);
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private org.assertj.core.api.AbstractStringAssert<?> assertBadRequest(String body) {
        return assertBadRequest(body.getBytes(StandardCharsets.UTF_8));
    }

    private org.assertj.core.api.AbstractStringAssert<?> assertBadRequest(byte[] body) {
        WebhookException e = rejected(() -> decoder.decode(body));
        assertThat(e).as("expected a WebhookException").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).doesNotContain("\n");
        return assertThat(e.getMessage());
    }

    static byte[] fixture(String name) {
        try (InputStream in = WebhookDecoderTest.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fixtureText(String name) {
        return new String(fixture(name), StandardCharsets.UTF_8);
    }

    private static WebhookException rejected(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(WebhookException.class);
        return (WebhookException) thrown;
    }
}
