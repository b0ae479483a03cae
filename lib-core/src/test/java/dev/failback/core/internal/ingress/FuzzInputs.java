package dev.failback.core.internal.ingress;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A seeded, structure-aware generator of webhook request bodies for fuzzing: mutations of the
 * changefeed fixtures (byte flips, truncation, random JSON tokens, deep nesting, huge numbers and
 * strings, duplicate keys, wrong types per known field, invalid UTF-8, splices of two fixtures) and of
 * their {@code Content-Encoding} (gzip or zstd of the result, truncated or corrupted, random header values).
 * Shared with {@code HandlerFuzzIT} through the test-jar. Not thread-safe: one instance per thread.
 */
public final class FuzzInputs {

    /** The fixture files the mutations start from. */
    public static final List<String> FIXTURES = List.of(
            "01-insert-minimal-single-row.json", "02-insert-employees-batch.json", "03-insert-orders.json",
            "04-insert-payments-composite-pk.json", "05-mixed-tables-one-batch.json", "06-update-with-diff.json",
            "07-delete-with-diff.json", "08-delete-without-diff.json", "09-resolved.json",
            "10-resolved-bare-envelope.json", "11-initial-scan.json", "12-all-column-types.json",
            "13-full-table-name-topic.json", "14-primary-key-change.json", "15a-dup-original.json",
            "16-legacy-compact-format.json", "17-bare-envelope-rows.json", "18-resolved-later.json",
            "90-malformed-truncated.json", "91-malformed-length-mismatch.json",
            "92-malformed-bad-hlc-missing-key.json", "93-malformed-empty-body.json",
            "94-malformed-top-level-array.json", "95-malformed-resolved-number.json");

    private static final String[] FIELDS = {
        "payload", "length", "resolved", "key", "topic", "updated", "after", "before", "__crdb__", "mvcc_timestamp",
    };

    private static final String[] TOKENS = {
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "0", "-0", "1e999", "-1e-999", "1.5E+308",
        "9223372036854775808", "-9223372036854775809", "NaN", "Infinity", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\\"\"", "\"\\\\\"", "\"\\uZZZZ\"", "{}", "[]", "[[]]", "{\"\":null}", "\"1759246931287415902.0000000000\"",
        "\"0.0\"", "\"-1.0\"", "\"1.2.3\"", "\"99999999999999999999999.0\"", "\"1759246931287415902\"",
        "\"1759246931287415902.99999999999\"", "//", "/*", "'a'", "\u00e9", "\ufeff", "\t", "\r\n", " ",
    };

    private static final String[] ENCODINGS = {
        null, "", "identity", "gzip", "x-gzip", "zstd", "GZIP", "gzip, identity", "identity, gzip", "gzip, gzip",
        "br", "deflate", "compress", "*", ",", " , ", "gzip;q=1", "zstd, zstd", "\u00e9", "gzip,br",
    };

    private final Random random;
    private final List<byte[]> seeds;

    /** One encoded request body: the bytes to send and the {@code Content-Encoding} header (may be null). */
    public record Input(byte[] body, String contentEncoding) {
        /** A reproducible description: the header and the body in base64. */
        public String describe() {
            return "Content-Encoding=" + (contentEncoding == null ? "<none>" : "\"" + contentEncoding + "\"")
                    + " body(base64)=" + Base64.getEncoder().encodeToString(body);
        }
    }

    /**
     * Creates a generator.
     *
     * @param seed  the random seed
     * @param owner a class whose class loader holds {@code /fixtures/changefeed/}
     */
    public FuzzInputs(long seed, Class<?> owner) {
        this.random = new Random(seed);
        this.seeds = new ArrayList<>();
        for (String f : FIXTURES) {
            try (InputStream in = owner.getResourceAsStream("/fixtures/changefeed/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("missing fixture " + f);
                }
                seeds.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The random source, for callers that randomise more than the body. */
    public Random random() {
        return random;
    }

    /** The next input: a mutated body with a random (mostly matching) encoding. */
    public Input next() {
        byte[] body = nextBody();
        int r = random.nextInt(100);
        if (r < 60) {
            return new Input(body, random.nextInt(4) == 0 ? "identity" : null);
        }
        if (r < 72) {
            return new Input(corruptMaybe(gzip(body)), random.nextBoolean() ? "gzip" : "x-gzip");
        }
        if (r < 82) {
            return new Input(corruptMaybe(zstd(body)), "zstd");
        }
        if (r < 86) {
            return new Input(corruptMaybe(gzip(gzip(body))), "gzip, gzip");
        }
        return new Input(random.nextBoolean() ? body : gzip(body), ENCODINGS[random.nextInt(ENCODINGS.length)]);
    }

    /** The next body, decoded (no Content-Encoding). */
    public byte[] nextBody() {
        byte[] b = seeds.get(random.nextInt(seeds.size()));
        if (random.nextInt(20) == 0) {
            return b; // an unmutated fixture now and then keeps the accepted paths exercised
        }
        int n = 1 + (random.nextInt(4) == 0 ? random.nextInt(4) : 0);
        for (int i = 0; i < n; i++) {
            b = mutate(b);
        }
        return b;
    }

    private byte[] mutate(byte[] b) {
        switch (random.nextInt(16)) {
            case 0: { // flip one bit
                if (b.length == 0) {
                    return insert(b, 0, token());
                }
                byte[] c = b.clone();
                c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
                return c;
            }
            case 1: { // set random bytes
                byte[] c = b.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n && c.length > 0; i++) {
                    c[random.nextInt(c.length)] = (byte) random.nextInt(256);
                }
                return c;
            }
            case 2: // truncate
                return Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 3: // insert a JSON token
                return insert(b, pos(b), token());
            case 4: { // delete a range
                if (b.length == 0) {
                    return b;
                }
                int from = random.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + random.nextInt(32));
                return concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, b.length));
            }
            case 5: { // duplicate a range
                if (b.length == 0) {
                    return b;
                }
                int from = random.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + random.nextInt(64));
                return insert(b, pos(b), Arrays.copyOfRange(b, from, to));
            }
            case 6: // deep nesting in place of a value
                return replaceValue(b, nested(1 + random.nextInt(random.nextBoolean() ? 100 : 5000)));
            case 7: // a huge number
                return replaceValue(b, bytes(hugeNumber()));
            case 8: // a huge string
                return replaceValue(b, bytes("\"" + "x".repeat(random.nextInt(200_000)) + "\""));
            case 9: // duplicate a known field
                return duplicateField(b);
            case 10: // wrong type for a known field
                return replaceValue(b, bytes(randomValue()));
            case 11: // invalid UTF-8
                return insert(b, pos(b), invalidUtf8());
            case 12: { // splice two fixtures
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                return concat(Arrays.copyOf(b, pos(b)), Arrays.copyOfRange(other, pos(other), other.length));
            }
            case 13: // rename a known field to another known field
                return renameField(b);
            case 14: { // wrap the body
                String[] wraps = {"[%s]", "{\"payload\":[%s],\"length\":1}", "%s%s", "%s ", " %s", "{\"x\":%s}",
                    "{\"payload\":%s}", "{\"__crdb__\":%s}"};
                String w = wraps[random.nextInt(wraps.length)];
                String s = new String(b, StandardCharsets.ISO_8859_1);
                return w.replace("%s", s).getBytes(StandardCharsets.ISO_8859_1);
            }
            default: // a random valid-looking message appended to the payload
                return insert(b, pos(b), bytes(",{\"after\":" + randomValue() + ",\"key\":" + randomValue()
                        + ",\"topic\":" + randomValue() + ",\"updated\":" + randomValue() + "}"));
        }
    }

    private int pos(byte[] b) {
        return b.length == 0 ? 0 : random.nextInt(b.length + 1);
    }

    private byte[] token() {
        return bytes(TOKENS[random.nextInt(TOKENS.length)]);
    }

    private String randomValue() {
        switch (random.nextInt(12)) {
            case 0: return "null";
            case 1: return random.nextBoolean() ? "true" : "false";
            case 2: return Long.toString(random.nextLong());
            case 3: return "\"" + random.nextInt(1000) + "\"";
            case 4: return "[]";
            case 5: return "{}";
            case 6: return "[" + random.nextInt() + ",\"a\"]";
            case 7: return "{\"id\":" + random.nextInt(100) + ",\"name\":\"n\"}";
            case 8: return "\"" + Math.abs(random.nextLong()) + "." + String.format("%010d", random.nextInt(1_000_000_000)) + "\"";
            case 9: return hugeNumber();
            case 10: return "\"" + TOKENS[random.nextInt(TOKENS.length)].replace("\"", "\\\"") + "\"";
            default: return "\"employees\"";
        }
    }

    private String hugeNumber() {
        StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : "");
        s.append(1 + random.nextInt(9));
        int n = random.nextBoolean() ? random.nextInt(40) : random.nextInt(20_000);
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        if (random.nextBoolean()) {
            s.append('.').append(random.nextInt(1000));
        }
        if (random.nextInt(4) == 0) {
            s.append('e').append(random.nextInt(2_000_000_000) - 1_000_000_000);
        }
        return s.toString();
    }

    private byte[] nested(int depth) {
        StringBuilder s = new StringBuilder(depth * 2 + 4);
        boolean objects = random.nextBoolean();
        for (int i = 0; i < depth; i++) {
            s.append(objects ? "{\"a\":" : "[");
        }
        s.append('1');
        boolean close = random.nextInt(8) != 0;
        for (int i = 0; close && i < depth; i++) {
            s.append(objects ? '}' : ']');
        }
        return bytes(s.toString());
    }

    private byte[] invalidUtf8() {
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xFE, (byte) 0xFF}, {0},
            {'"', (byte) 0xC3, '"'}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        };
        return bad[random.nextInt(bad.length)];
    }

    /** Replaces the value after a random occurrence of a known field name (or a random position) with {@code v}. */
    private byte[] replaceValue(byte[] b, byte[] v) {
        int at = findField(b);
        if (at < 0) {
            return insert(b, pos(b), v);
        }
        int end = valueEnd(b, at);
        return concat(concat(Arrays.copyOf(b, at), v), Arrays.copyOfRange(b, end, b.length));
    }

    /** The offset of the value of a random known field, or -1. */
    private int findField(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        String name = "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\"";
        List<Integer> hits = new ArrayList<>();
        for (int i = s.indexOf(name); i >= 0; i = s.indexOf(name, i + 1)) {
            hits.add(i);
        }
        if (hits.isEmpty()) {
            return -1;
        }
        int i = hits.get(random.nextInt(hits.size())) + name.length();
        while (i < b.length && (b[i] == ' ' || b[i] == ':')) {
            i++;
        }
        return i;
    }

    /** The end of the JSON value starting at {@code at}, by bracket counting (approximate on broken input). */
    private static int valueEnd(byte[] b, int at) {
        int depth = 0;
        boolean inString = false;
        for (int i = at; i < b.length; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    if (depth == 0) {
                        return i;
                    }
                    if (--depth == 0) {
                        return i + 1;
                    }
                }
                case ',' -> {
                    if (depth == 0) {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return b.length;
    }

    private byte[] duplicateField(byte[] b) {
        int at = findField(b);
        if (at < 0) {
            return b;
        }
        int nameStart = at;
        while (nameStart > 0 && b[nameStart - 1] != '"') {
            nameStart--;
        }
        nameStart--;
        while (nameStart > 0 && b[nameStart - 1] != '"') {
            nameStart--;
        }
        nameStart = Math.max(0, nameStart - 1);
        int end = valueEnd(b, at);
        byte[] field = Arrays.copyOfRange(b, nameStart, end);
        return insert(b, end, concat(bytes(","), field));
    }

    private byte[] renameField(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        String from = "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\"";
        String to = "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\"";
        int i = s.indexOf(from);
        if (i < 0) {
            return b;
        }
        return (s.substring(0, i) + to + s.substring(i + from.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] corruptMaybe(byte[] b) {
        if (random.nextInt(3) != 0 || b.length == 0) {
            return b;
        }
        return random.nextBoolean() ? Arrays.copyOf(b, random.nextInt(b.length)) : mutate(b);
    }

    /** Gzips {@code b}. */
    public static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Compresses {@code b} as one zstd frame. */
    public static byte[] zstd(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        return concat(concat(Arrays.copyOf(b, at), what), Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] r = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, r, a.length, c.length);
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
