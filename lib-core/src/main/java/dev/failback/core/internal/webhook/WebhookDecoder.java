package dev.failback.core.internal.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.failback.Hlc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes a changefeed webhook request body (already read and decompressed, see {@link BodyReader})
 * into {@link DecodedBody}, streaming over the bytes with a Jackson {@link JsonParser}: no tree model,
 * no data binding. Thread-safe: one instance serves every request.
 *
 * <p>Accepted bodies: {@code {"payload":[…],"length":N}} in the newest and the legacy compact form,
 * the earliest {@code {"payload":[…]}} without {@code length}, {@code {"resolved":"<hlc>"}}, and the
 * {@code envelope=bare} forms (row messages with a {@code "__crdb__"} object, and
 * {@code {"__crdb__":{"resolved":"…"}}}). Field order is not assumed and unknown fields are ignored
 * at every level ({@code mvcc_timestamp} is read past, not validated).
 *
 * <p>Row values ({@code after}, {@code before}, {@code key}) are the exact bytes of the body decoded
 * as UTF-8, so numbers keep their text. For a bare message, {@code after} is an object made of the
 * exact {@code "name": value} slices of the top-level columns, joined with {@code ", "}.
 *
 * <p>Every rejection is a 400 {@link WebhookException} whose message names the field and, for row
 * messages, the message index ({@code payload[1]: "updated" is required …}).
 *
 * <p>Limits (a 400 naming the limit): nesting depth everywhere; {@code maxStringLength} for the
 * strings the decoder reads ({@code topic}, {@code updated}, {@code resolved}) and for every field
 * name (Jackson buffers them whole: a pipeline uses {@link #MAX_TEXT_LENGTH}); {@link #MAX_NUMBER_LENGTH}
 * for numbers anywhere (Jackson buffers number text). String values inside row values are sliced,
 * not buffered, so they are bounded only by the body size limit of {@link BodyReader}.
 *
 * <p>Memory: besides the body, decoding holds at most {@link #HEAP_PER_BODY_BYTE} bytes per body
 * byte (reserved by {@link BodyReader}) and {@link #HEAP_PER_MESSAGE} per row message (reserved here).
 */
public final class WebhookDecoder {

    /**
     * The longest number text the decoder reads ({@code length}), in characters. Numbers inside row
     * values are sliced, not converted, so this does not apply to them.
     */
    public static final int MAX_NUMBER_LENGTH = 4096;

    /** The smallest nesting limit that still admits {@code {"payload":[{"after":{…}}]}}. */
    public static final int MIN_NESTING_DEPTH = 4;

    /**
     * The {@code maxStringLength} a pipeline uses, in characters: far beyond any topic, HLC, column or
     * JSON key name, and small enough that what Jackson buffers for one such string stays small next
     * to a body (the string values inside rows are sliced, not read, and have no limit but the body's).
     */
    public static final int MAX_TEXT_LENGTH = 1 << 20;

    /**
     * Heap bytes per body byte that decoding a body may hold at once besides the body itself: the
     * strings of the rows (kept until the request is answered) and, while one is made, its transient
     * copies. Worst measured shapes ({@code WebhookDecoderMemoryTest}): a row string that is UTF-16
     * (one character beyond Latin-1) holds 4 bytes per body byte while {@link String} builds it, a bare
     * envelope row one more for its joined columns. {@link BodyReader} reserves it per byte read.
     */
    public static final int HEAP_PER_BODY_BYTE = 5;

    /**
     * Heap bytes per row message besides its strings' bytes: the message, its timestamp, string and
     * list headers (about 250 measured), and later its {@code Mutation} and staging slots.
     * {@link #decode(byte[], MemoryBudget.Reservation)} reserves it as messages are read.
     */
    public static final int HEAP_PER_MESSAGE = 512;

    /** Messages reserved for at once, so that the shared budget is not touched per message. */
    private static final int MESSAGES_PER_RESERVATION = 64;

    private static final String ENVELOPE = "__crdb__";

    private final JsonFactory factory;
    private final int maxNestingDepth;
    private final int maxStringLength;

    /**
     * Creates a decoder.
     *
     * @param maxNestingDepth the deepest JSON nesting accepted (the body object is level 1),
     *                        {@code >= }{@value #MIN_NESTING_DEPTH}
     * @param maxStringLength the longest string or field name the decoder reads, in characters, {@code >= 1}
     */
    public WebhookDecoder(int maxNestingDepth, int maxStringLength) {
        if (maxNestingDepth < MIN_NESTING_DEPTH) {
            throw new IllegalArgumentException(
                    "maxNestingDepth must be >= " + MIN_NESTING_DEPTH + ", but was " + maxNestingDepth);
        }
        if (maxStringLength < 1) {
            throw new IllegalArgumentException("maxStringLength must be >= 1, but was " + maxStringLength);
        }
        this.maxNestingDepth = maxNestingDepth;
        this.maxStringLength = maxStringLength;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .maxStringLength(maxStringLength)
                .maxNameLength(maxStringLength)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /**
     * Decodes one body.
     *
     * @param body   the body bytes (UTF-8 JSON), never null; not modified
     * @param memory the request's reservation, never null: grows by {@value #HEAP_PER_MESSAGE} bytes
     *               per row message before it is read (what the body's bytes cost is reserved by
     *               {@link BodyReader})
     * @return the rows or the resolved timestamp, never null
     * @throws WebhookException (400) when the body is empty, not JSON, over a limit, or not a
     *                          changefeed webhook body; the message says which field and message;
     *                          (413) when the rows would take the reservation alone over its budget
     * @throws MemoryBudget.ExhaustedException (503) when the budget is taken by other requests
     */
    public DecodedBody decode(byte[] body, MemoryBudget.Reservation memory) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(memory, "memory");
        if (isBlank(body)) {
            throw WebhookException.badRequest("body is empty");
        }
        try (JsonParser p = factory.createParser(body)) {
            return decodeBody(p, body, memory);
        } catch (StreamConstraintsException e) {
            throw WebhookException.badRequest(limitMessage(e), e);
        } catch (JsonProcessingException e) {
            throw WebhookException.badRequest(
                    "body is not valid JSON" + at(e.getLocation()) + ": " + clean(e.getOriginalMessage()), e);
        } catch (IOException e) {
            // not expected for an in-memory source
            throw WebhookException.badRequest("body cannot be read as JSON: " + clean(e.getMessage()), e);
        }
    }

    /**
     * Decodes one body without a memory budget (tools and tests).
     *
     * @param body the body bytes (UTF-8 JSON), never null; not modified
     * @return the rows or the resolved timestamp, never null
     * @throws WebhookException as {@link #decode(byte[], MemoryBudget.Reservation)}
     */
    public DecodedBody decode(byte[] body) {
        try (MemoryBudget.Reservation memory = MemoryBudget.unlimited().open()) {
            return decode(body, memory);
        }
    }

    private DecodedBody decodeBody(JsonParser p, byte[] body, MemoryBudget.Reservation memory) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw bad("body must be a JSON object with \"payload\" or \"resolved\", not " + describe(t));
        }
        List<RowMessage> messages = null;
        Hlc resolved = null;
        String resolvedLabel = null;
        long length = -1;
        boolean lengthSeen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "payload" -> {
                    if (messages != null) {
                        throw bad("\"payload\" appears twice");
                    }
                    if (resolved != null) {
                        throw bothPayloadAndResolved();
                    }
                    if (v != JsonToken.START_ARRAY) {
                        throw bad("\"payload\" must be an array, not " + describe(v));
                    }
                    messages = readPayload(p, body, memory);
                }
                case "length" -> {
                    if (lengthSeen) {
                        throw bad("\"length\" appears twice");
                    }
                    lengthSeen = true;
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw bad("\"length\" must be an integer, not " + describe(v));
                    }
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw bad("\"length\" is out of range: " + quote(p.getText()));
                    }
                    length = p.getLongValue();
                }
                case "resolved" -> {
                    if (resolved != null) {
                        throw bad("\"resolved\" appears twice" + (resolvedLabel.equals("\"resolved\"")
                                ? "" : " (also as " + resolvedLabel + ")"));
                    }
                    if (messages != null) {
                        throw bothPayloadAndResolved();
                    }
                    resolvedLabel = "\"resolved\"";
                    resolved = readResolved(p, v, resolvedLabel);
                }
                case ENVELOPE -> {
                    if (v != JsonToken.START_OBJECT) {
                        throw bad("\"" + ENVELOPE + "\" must be an object, not " + describe(v));
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken iv = p.nextToken();
                        if (inner.equals("resolved")) {
                            if (resolved != null) {
                                throw bad("\"" + ENVELOPE + ".resolved\" appears twice (also as " + resolvedLabel + ")");
                            }
                            if (messages != null) {
                                throw bothPayloadAndResolved();
                            }
                            resolvedLabel = "\"" + ENVELOPE + ".resolved\"";
                            resolved = readResolved(p, iv, resolvedLabel);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        checkNothingAfter(p);
        if (messages != null) {
            if (lengthSeen && length != messages.size()) {
                throw bad("\"length\" is " + length + " but \"payload\" has " + messages.size()
                        + (messages.size() == 1 ? " message" : " messages"));
            }
            return new DecodedBody.Rows(messages);
        }
        if (resolved != null) {
            return new DecodedBody.ResolvedBody(resolved);
        }
        throw bad("body has neither \"payload\" nor \"resolved\"");
    }

    private static void checkNothingAfter(JsonParser p) throws IOException {
        JsonToken extra;
        try {
            extra = p.nextToken();
        } catch (StreamConstraintsException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw WebhookException.badRequest("body has data after the JSON object" + at(e.getLocation()), e);
        }
        if (extra != null) {
            throw bad("body has data after the JSON object" + at(p.currentTokenLocation()));
        }
    }

    private static Hlc readResolved(JsonParser p, JsonToken v, String label) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw bad(label + " must be a string HLC timestamp, not " + describe(v));
        }
        return parseHlc(p.getText(), "", label);
    }

    private static List<RowMessage> readPayload(JsonParser p, byte[] body, MemoryBudget.Reservation memory)
            throws IOException {
        List<RowMessage> messages = new ArrayList<>();
        Scratch s = new Scratch();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (messages.size() % MESSAGES_PER_RESERVATION == 0) {
                memory.reserve((long) HEAP_PER_MESSAGE * MESSAGES_PER_RESERVATION);
            }
            messages.add(readMessage(p, body, t, messages.size(), s));
        }
        return messages;
    }

    private static RowMessage readMessage(JsonParser p, byte[] body, JsonToken start, int index, Scratch s)
            throws IOException {
        String where = "payload[" + index + "]: ";
        if (start != JsonToken.START_OBJECT) {
            throw bad(where + "message must be a JSON object, not " + describe(start));
        }
        s.reset();
        int envelopes = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int nameStart = offset(p.currentTokenLocation());
            JsonToken v = p.nextToken();
            int valueStart = offset(p.currentTokenLocation());
            if (name.equals(ENVELOPE)) {
                envelopes++;
                if (v != JsonToken.START_OBJECT) {
                    throw bad(where + "\"" + ENVELOPE + "\" must be an object, not " + describe(v));
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken iv = p.nextToken();
                    if (!readKnown(p, body, inner, iv, s.bare, s)) {
                        p.skipChildren();
                    }
                }
                continue;
            }
            if (!readKnown(p, body, name, v, s.wrapped, s)) {
                p.skipChildren();
            }
            // Kept for envelope=bare, where every field but __crdb__ is a column.
            s.addColumn(name, nameStart, v == JsonToken.VALUE_STRING ? -1 : offset(p.currentLocation()));
            if (v == JsonToken.VALUE_STRING) {
                s.stringStarts[s.columns - 1] = valueStart;
            }
        }
        if (envelopes > 1) {
            throw bad(where + "\"" + ENVELOPE + "\" appears twice");
        }
        if (envelopes == 1) {
            Fields f = s.bare;
            String label = ENVELOPE + ".";
            checkOnce(f, where, label);
            String key = key(f, body, where, label);
            String topic = topic(f, where, label);
            Hlc updated = updated(f, where, label);
            return new RowMessage(index, topic, key, f.keyArity, updated, bareAfter(body, s, where),
                    List.copyOf(s.columnNames), null);
        }
        Fields f = s.wrapped;
        checkOnce(f, where, "");
        String key = key(f, body, where, "");
        String topic = topic(f, where, "");
        Hlc updated = updated(f, where, "");
        String after = objectOrNull(f.afterToken, f.afterStart, f.afterEnd, body, where, "after");
        String before = objectOrNull(f.beforeToken, f.beforeStart, f.beforeEnd, body, where, "before");
        return new RowMessage(index, topic, key, f.keyArity, updated, after,
                after == null ? List.of() : f.afterColumns, before);
    }

    /** Reads a field this decoder knows; returns false (nothing consumed) for any other. */
    private static boolean readKnown(JsonParser p, byte[] body, String name, JsonToken v, Fields f, Scratch s)
            throws IOException {
        switch (name) {
            case "key" -> {
                f.keyCount++;
                f.keyToken = v;
                if (v == JsonToken.START_ARRAY) {
                    f.keyStart = offset(p.currentTokenLocation());
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        n++;
                        p.skipChildren();
                    }
                    f.keyArity = n;
                    f.keyEnd = offset(p.currentLocation());
                } else {
                    p.skipChildren();
                }
                return true;
            }
            case "topic" -> {
                f.topicCount++;
                f.topicToken = v;
                if (v == JsonToken.VALUE_STRING) {
                    f.topic = p.getText();
                } else {
                    p.skipChildren();
                }
                return true;
            }
            case "updated" -> {
                f.updatedCount++;
                f.updatedToken = v;
                if (v == JsonToken.VALUE_STRING) {
                    f.updated = p.getText();
                } else {
                    p.skipChildren();
                }
                return true;
            }
            case "after" -> {
                if (f != s.wrapped) {
                    return false;
                }
                f.afterCount++;
                f.afterToken = v;
                if (v == JsonToken.START_OBJECT) {
                    f.afterStart = offset(p.currentTokenLocation());
                    List<String> names = s.afterNames;
                    names.clear();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        names.add(p.currentName());
                        p.nextToken();
                        p.skipChildren();
                    }
                    f.afterEnd = offset(p.currentLocation());
                    f.afterColumns = List.copyOf(names);
                } else {
                    p.skipChildren();
                }
                return true;
            }
            case "before" -> {
                if (f != s.wrapped) {
                    return false;
                }
                f.beforeCount++;
                f.beforeToken = v;
                if (v == JsonToken.START_OBJECT) {
                    f.beforeStart = offset(p.currentTokenLocation());
                    p.skipChildren();
                    f.beforeEnd = offset(p.currentLocation());
                } else {
                    p.skipChildren();
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static void checkOnce(Fields f, String where, String label) {
        String twice = null;
        if (f.keyCount > 1) {
            twice = "key";
        } else if (f.topicCount > 1) {
            twice = "topic";
        } else if (f.updatedCount > 1) {
            twice = "updated";
        } else if (f.afterCount > 1) {
            twice = "after";
        } else if (f.beforeCount > 1) {
            twice = "before";
        }
        if (twice != null) {
            throw bad(where + "\"" + label + twice + "\" appears twice");
        }
    }

    private static String key(Fields f, byte[] body, String where, String label) {
        if (f.keyCount == 0) {
            throw bad(where + "\"" + label + "key\" is required");
        }
        if (f.keyToken != JsonToken.START_ARRAY) {
            throw bad(where + "\"" + label + "key\" must be a JSON array, not " + describe(f.keyToken));
        }
        if (f.keyArity == 0) {
            throw bad(where + "\"" + label + "key\" must not be an empty array");
        }
        return slice(body, f.keyStart, f.keyEnd, where, label + "key");
    }

    private static String topic(Fields f, String where, String label) {
        if (f.topicCount == 0) {
            throw bad(where + "\"" + label + "topic\" is required");
        }
        if (f.topicToken != JsonToken.VALUE_STRING) {
            throw bad(where + "\"" + label + "topic\" must be a string, not " + describe(f.topicToken));
        }
        if (f.topic.isEmpty()) {
            throw bad(where + "\"" + label + "topic\" must not be empty");
        }
        return f.topic;
    }

    private static Hlc updated(Fields f, String where, String label) {
        if (f.updatedCount == 0) {
            throw bad(where + "\"" + label + "updated\" is required (create the changefeed WITH updated)");
        }
        if (f.updatedToken != JsonToken.VALUE_STRING) {
            throw bad(where + "\"" + label + "updated\" must be a string HLC timestamp, not "
                    + describe(f.updatedToken));
        }
        return parseHlc(f.updated, where, "\"" + label + "updated\"");
    }

    private static String objectOrNull(JsonToken token, int start, int end, byte[] body, String where,
            String field) {
        if (token == null || token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw bad(where + "\"" + field + "\" must be an object or null, not " + describe(token));
        }
        return slice(body, start, end, where, field);
    }

    /** Joins the exact {@code "name": value} slices of a bare message's columns into one object. */
    private static String bareAfter(byte[] body, Scratch s, String where) {
        int n = s.columns;
        int total = 2 + Math.max(0, n - 1) * 2;
        for (int i = 0; i < n; i++) {
            if (s.ends[i] < 0) {
                s.ends[i] = stringEnd(body, s.stringStarts[i]);
            }
            total += s.ends[i] - s.starts[i];
        }
        byte[] out = new byte[total];
        int pos = 0;
        out[pos++] = '{';
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out[pos++] = ',';
                out[pos++] = ' ';
            }
            int len = s.ends[i] - s.starts[i];
            System.arraycopy(body, s.starts[i], out, pos, len);
            pos += len;
        }
        out[pos] = '}';
        return utf8(out, 0, out.length, where, "columns");
    }

    /** Returns the offset just past the closing quote of the (already validated) string at {@code start}. */
    private static int stringEnd(byte[] body, int start) {
        int i = start + 1;
        while (true) {
            byte b = body[i];
            if (b == '\\') {
                i += 2;
            } else if (b == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
    }

    private static String slice(byte[] body, int start, int end, String where, String field) {
        return utf8(body, start, end - start, where, "\"" + field + "\"");
    }

    /**
     * Decodes row bytes strictly: Jackson checks UTF-8 only in the strings it reads, not in the field
     * names and skipped strings inside row values, which would otherwise turn into U+FFFD silently.
     * Checks first (into a small buffer), then lets {@link String} decode: the only allocation in
     * proportion to the length is the string itself (no {@code char[]} of the whole slice).
     */
    private static String utf8(byte[] bytes, int offset, int length, String where, String what) {
        if (!ascii(bytes, offset, length)) {
            CharsetDecoder check = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
            CharBuffer out = CharBuffer.allocate(Math.min(length, 4096));
            while (true) {
                CoderResult r = check.decode(in, out, true);
                if (r.isError()) {
                    throw bad(where + what + " is not valid UTF-8");
                }
                if (r.isUnderflow()) {
                    break;
                }
                out.clear();
            }
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    private static boolean ascii(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static int offset(JsonLocation location) {
        long offset = location.getByteOffset();
        if (offset < 0) {
            // Jackson detected UTF-16/32 and reads characters, not bytes
            throw bad("body must be UTF-8 JSON");
        }
        return (int) offset;
    }

    private static Hlc parseHlc(String text, String where, String label) {
        try {
            return Hlc.parse(text);
        } catch (IllegalArgumentException e) {
            throw WebhookException.badRequest(where + label + " is not an HLC timestamp: " + quote(text), e);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private String limitMessage(StreamConstraintsException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("getMaxNestingDepth")) {
            return "body nests JSON deeper than the limit of " + maxNestingDepth + " levels";
        }
        if (m.contains("getMaxStringLength")) {
            return "body has a string longer than the limit of " + maxStringLength + " characters";
        }
        if (m.contains("getMaxNameLength")) {
            return "body has a field name longer than the limit of " + maxStringLength + " characters";
        }
        if (m.contains("getMaxNumberLength")) {
            return "body has a number longer than the limit of " + MAX_NUMBER_LENGTH + " characters";
        }
        return "body exceeds a JSON parser limit: " + clean(e.getOriginalMessage());
    }

    private static WebhookException bothPayloadAndResolved() {
        return bad("body has both \"payload\" and \"resolved\"; a changefeed sends them in separate requests");
    }

    private static WebhookException bad(String message) {
        return WebhookException.badRequest(message);
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    /** One line, no source dump, bounded. */
    private static String clean(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "")
                .replaceAll("\\s+", " ").trim();
        return m.length() <= 200 ? m : m.substring(0, 197) + "...";
    }

    /** Quotes a value from the body for a message: bounded, control characters escaped. */
    private static String quote(String text) {
        String s = text.length() <= 64 ? text : text.substring(0, 61) + "...";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** What one message (or its {@code __crdb__} object) said about the known fields. */
    private static final class Fields {
        int keyCount;
        JsonToken keyToken;
        int keyStart;
        int keyEnd;
        int keyArity;
        int topicCount;
        JsonToken topicToken;
        String topic;
        int updatedCount;
        JsonToken updatedToken;
        String updated;
        int afterCount;
        JsonToken afterToken;
        int afterStart;
        int afterEnd;
        List<String> afterColumns = List.of();
        int beforeCount;
        JsonToken beforeToken;
        int beforeStart;
        int beforeEnd;

        void reset() {
            keyCount = 0;
            keyToken = null;
            keyArity = 0;
            topicCount = 0;
            topicToken = null;
            topic = null;
            updatedCount = 0;
            updatedToken = null;
            updated = null;
            afterCount = 0;
            afterToken = null;
            afterColumns = List.of();
            beforeCount = 0;
            beforeToken = null;
        }
    }

    /** Per-call working state, reused from message to message. */
    private static final class Scratch {
        final Fields wrapped = new Fields();
        final Fields bare = new Fields();
        final List<String> afterNames = new ArrayList<>();
        final List<String> columnNames = new ArrayList<>();
        int columns;
        int[] starts = new int[16];
        int[] ends = new int[16];
        int[] stringStarts = new int[16];

        void reset() {
            wrapped.reset();
            bare.reset();
            columnNames.clear();
            columns = 0;
        }

        void addColumn(String name, int start, int end) {
            if (columns == starts.length) {
                starts = Arrays.copyOf(starts, columns * 2);
                ends = Arrays.copyOf(ends, columns * 2);
                stringStarts = Arrays.copyOf(stringStarts, columns * 2);
            }
            columnNames.add(name);
            starts[columns] = start;
            ends[columns] = end;
            columns++;
        }
    }
}
