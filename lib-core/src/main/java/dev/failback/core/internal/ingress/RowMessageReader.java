package dev.failback.core.internal.ingress;

import static dev.failback.core.internal.ingress.DecodeErrors.bad;
import static dev.failback.core.internal.ingress.DecodeErrors.describe;
import static dev.failback.core.internal.ingress.DecodeErrors.parseHlc;
import static dev.failback.core.internal.ingress.Utf8Slices.offset;
import static dev.failback.core.internal.ingress.Utf8Slices.slice;
import static dev.failback.core.internal.ingress.Utf8Slices.stringEnd;
import static dev.failback.core.internal.ingress.Utf8Slices.utf8;
import static dev.failback.core.internal.ingress.WebhookDecoder.ENVELOPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.Hlc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the {@code "payload"} array of a webhook body into {@link RowMessage}s for {@link WebhookDecoder}:
 * the known fields of each message ({@code key}, {@code topic}, {@code updated}, {@code after},
 * {@code before}), wrapped or inside a bare message's {@code "__crdb__"} object, checked once each
 * and kept as exact slices of the body. Every rejection names the message ({@code payload[i]: …}).
 * Stateless; the working state of one call is a {@link Scratch}.
 */
final class RowMessageReader {

    /** Messages reserved for at once, so that the shared budget is not touched per message. */
    private static final int MESSAGES_PER_RESERVATION = 64;

    private RowMessageReader() {
    }

    static List<RowMessage> readPayload(JsonParser p, byte[] body, MemoryBudget.Reservation memory)
            throws IOException {
        List<RowMessage> messages = new ArrayList<>();
        Scratch s = new Scratch();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (messages.size() % MESSAGES_PER_RESERVATION == 0) {
                memory.reserve((long) WebhookDecoder.HEAP_PER_MESSAGE * MESSAGES_PER_RESERVATION);
            }
            messages.add(readMessage(p, body, t, messages.size(), s));
        }
        return messages;
    }

    static RowMessage readMessage(JsonParser p, byte[] body, JsonToken start, int index, Scratch s)
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
    static boolean readKnown(JsonParser p, byte[] body, String name, JsonToken v, Fields f, Scratch s)
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

    static void checkOnce(Fields f, String where, String label) {
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

    static String key(Fields f, byte[] body, String where, String label) {
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

    static String topic(Fields f, String where, String label) {
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

    static Hlc updated(Fields f, String where, String label) {
        if (f.updatedCount == 0) {
            throw bad(where + "\"" + label + "updated\" is required (create the changefeed WITH updated)");
        }
        if (f.updatedToken != JsonToken.VALUE_STRING) {
            throw bad(where + "\"" + label + "updated\" must be a string HLC timestamp, not "
                    + describe(f.updatedToken));
        }
        return parseHlc(f.updated, where, "\"" + label + "updated\"");
    }

    static String objectOrNull(JsonToken token, int start, int end, byte[] body, String where,
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
    static String bareAfter(byte[] body, Scratch s, String where) {
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

    /** What one message (or its {@code __crdb__} object) said about the known fields. */
    static final class Fields {
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
    static final class Scratch {
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
