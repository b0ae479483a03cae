package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Posts webhook bodies straight to a pipeline's handler, as a sink does, for tests. */
final class Posts {
    private Posts() {
    }

    /** POSTs a body to a path and returns the answer. */
    static WebhookResponse post(Failback f, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return f.webhookHandler().handle(new WebhookRequest("POST", path, null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
    }

    /** POSTs a body and asserts a 200, showing the answer's message otherwise. */
    static void ok(Failback f, String path, String body) {
        WebhookResponse r = post(f, path, body);
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }
}
