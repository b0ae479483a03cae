package dev.failback.core.internal.ingress;

import static dev.failback.core.internal.ingress.DecodeErrors.at;
import static dev.failback.core.internal.ingress.DecodeErrors.bad;
import static dev.failback.core.internal.ingress.DecodeErrors.clean;
import static dev.failback.core.internal.ingress.DecodeErrors.describe;
import static dev.failback.core.internal.ingress.DecodeErrors.parseHlc;
import static dev.failback.core.internal.ingress.DecodeErrors.quote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.failback.Hlc;
import java.io.IOException;
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
     * copies. Worst measured shapes ({@code WebhookDecoderMemoryIT}): a row string that is UTF-16
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

    /** The object that carries a bare message's (or a bare resolved body's) metadata. */
    static final String ENVELOPE = "__crdb__";

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
            DecodedBody decoded = decodeBody(p, body, memory);
            Utf8Slices.checkUtf8(body);
            return decoded;
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
                    messages = RowMessageReader.readPayload(p, body, memory);
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
}
