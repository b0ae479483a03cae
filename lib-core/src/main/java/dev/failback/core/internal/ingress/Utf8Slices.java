package dev.failback.core.internal.ingress;

import static dev.failback.core.internal.ingress.DecodeErrors.bad;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns byte ranges of a webhook body into strings for {@link WebhookDecoder}: strict UTF-8 (a 400
 * naming the field instead of a silent U+FFFD), byte offsets of the parser's locations, and the end of
 * a string already validated by the parser.
 */
final class Utf8Slices {

    private Utf8Slices() {
    }

    /** Returns the offset just past the closing quote of the (already validated) string at {@code start}. */
    static int stringEnd(byte[] body, int start) {
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

    static String slice(byte[] body, int start, int end, String where, String field) {
        return utf8(body, start, end - start, where, "\"" + field + "\"");
    }

    /**
     * Decodes row bytes strictly: Jackson checks UTF-8 only in the strings it reads, not in the field
     * names and skipped strings inside row values, which would otherwise turn into U+FFFD silently.
     * Checks first (into a small buffer), then lets {@link String} decode: the only allocation in
     * proportion to the length is the string itself (no {@code char[]} of the whole slice).
     */
    static String utf8(byte[] bytes, int offset, int length, String where, String what) {
        if (firstInvalid(bytes, offset, length) >= 0) {
            throw bad(where + what + " is not valid UTF-8");
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /**
     * Checks a whole body: the parser leaves the bytes of field names it already knows and of the values
     * it skips unchecked, so a body with a broken byte there would otherwise be accepted.
     *
     * @throws WebhookException (400) naming the offset of the first byte that is not UTF-8
     */
    static void checkUtf8(byte[] body) {
        int at = firstInvalid(body, 0, body.length);
        if (at >= 0) {
            throw bad("body is not valid UTF-8 (byte " + at + ")");
        }
    }

    /** The offset of the first byte that starts no valid UTF-8 sequence, or -1 when all are valid. */
    private static int firstInvalid(byte[] bytes, int offset, int length) {
        if (ascii(bytes, offset, length)) {
            return -1;
        }
        CharsetDecoder check = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(Math.min(length, 4096));
        while (true) {
            CoderResult r = check.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                return -1;
            }
            out.clear();
        }
    }

    static boolean ascii(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    static int offset(JsonLocation location) {
        long offset = location.getByteOffset();
        if (offset < 0) {
            // Jackson detected UTF-16/32 and reads characters, not bytes
            throw bad("body must be UTF-8 JSON");
        }
        return (int) offset;
    }
}
