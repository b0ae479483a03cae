package dev.failback.core.internal.ingress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.Hlc;

/**
 * How {@link WebhookDecoder} words a rejection: a 400 {@link WebhookException} whose message names
 * the token found, the place in the body, and a quoted (bounded, escaped) value.
 */
final class DecodeErrors {

    private DecodeErrors() {
    }

    static Hlc parseHlc(String text, String where, String label) {
        try {
            return Hlc.parse(text);
        } catch (IllegalArgumentException e) {
            throw WebhookException.badRequest(where + label + " is not an HLC timestamp: " + quote(text), e);
        }
    }

    static WebhookException bad(String message) {
        return WebhookException.badRequest(message);
    }

    static String at(JsonLocation location) {
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
    static String clean(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "")
                .replaceAll("\\s+", " ").trim();
        return m.length() <= 200 ? m : m.substring(0, 197) + "...";
    }

    /** Quotes a value from the body for a message: bounded, control characters escaped. */
    static String quote(String text) {
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
}
