package dev.failback.core.internal.ingress;

import dev.failback.Hlc;
import java.util.List;
import java.util.Objects;

/**
 * A decoded changefeed webhook body: either a batch of row messages or a resolved timestamp. Switch on
 * it exhaustively. Immutable and thread-safe.
 */
public sealed interface DecodedBody permits DecodedBody.Rows, DecodedBody.ResolvedBody {

    /**
     * A row batch ({@code {"payload":[…],"length":N}}).
     *
     * @param messages the messages in body order, never null (empty only for an empty {@code payload})
     */
    record Rows(List<RowMessage> messages) implements DecodedBody {
        /** Validates and freezes the components. */
        public Rows {
            messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        }
    }

    /**
     * A resolved timestamp ({@code {"resolved":"…"}} or {@code {"__crdb__":{"resolved":"…"}}}).
     *
     * @param resolved the resolved timestamp, never null
     */
    record ResolvedBody(Hlc resolved) implements DecodedBody {
        /** Validates the components. */
        public ResolvedBody {
            Objects.requireNonNull(resolved, "resolved");
        }
    }
}
