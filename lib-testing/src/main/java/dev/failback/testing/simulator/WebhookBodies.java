package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.util.List;
import java.util.Map;

/**
 * Writes what the simulated webhook sink sends: one CockroachDB JSON message per row, the
 * {@code {"payload":[...],"length":N}} body of a POST, and the resolved-timestamp body. Immutable.
 */
final class WebhookBodies {
    private final boolean diff;
    private final boolean mvccTimestamp;

    WebhookBodies(boolean diff, boolean mvccTimestamp) {
        this.diff = diff;
        this.mvccTimestamp = mvccTimestamp;
    }

    /** One row message, keys sorted bytewise; {@code before} only with diff. */
    String message(RowChange c, Map<String, String> before, Hlc updated) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"after\": ").append(CrdbJson.object(c.after()));
        if (diff) {
            b.append(", \"before\": ").append(CrdbJson.object(before));
        }
        b.append(", \"key\": ").append(c.key());
        if (mvccTimestamp) {
            b.append(", \"mvcc_timestamp\": \"").append(updated).append('"');
        }
        b.append(", \"topic\": ").append(CrdbJson.string(c.table()));
        b.append(", \"updated\": \"").append(updated).append("\"}");
        return b.toString();
    }

    /** The body of one POST of row messages. */
    static String batch(List<EmissionLedger.Queued> batch) {
        StringBuilder body = new StringBuilder("{\"payload\":[");
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(batch.get(i).message().json());
        }
        body.append("],\"length\":").append(batch.size()).append('}');
        return body.toString();
    }

    /** The body of a resolved timestamp. */
    static String resolved(Hlc t) {
        return "{\"resolved\":\"" + t + "\"}";
    }
}
