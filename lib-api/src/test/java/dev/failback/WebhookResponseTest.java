package dev.failback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookResponseTest {

    @Test
    void aPlainAnswerIsTextWithoutHeaders() {
        WebhookResponse r = new WebhookResponse(404, "unknown path /x");
        assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8").isEqualTo(WebhookResponse.TEXT_PLAIN);
        assertThat(r.headers()).isEmpty();
        assertThat(new WebhookResponse(503, "busy", Duration.ofMillis(1500)).retryAfterHeader()).isEqualTo("2");
    }

    @Test
    void headersAreCopiedInOrderAndNameTheContentType() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("content-type", "text/html; charset=utf-8");
        given.put("Cache-Control", "no-store");
        WebhookResponse r = new WebhookResponse(200, "<p>x</p>", null, given);
        given.put("X-Later", "1");
        assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(r.headers()).containsOnlyKeys("content-type", "Cache-Control");
        assertThat(r.headers().keySet()).containsExactly("content-type", "Cache-Control");
        assertThatThrownBy(() -> r.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void headersThatWouldSplitTheAnswerOrDoubleTheAdaptersAreRefused() {
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("X-A", "a\r\nSet-Cookie: b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("X A", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("X-A", "a\u000bb")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("X-A", "caf\u00e9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("X(A)", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThat(new WebhookResponse(200, "", null, Map.of("X-A", "a b\tc")).headers()).containsEntry("X-A", "a b\tc");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, Map.of("Content-Length", "3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server adapter");
        assertThatThrownBy(() -> new WebhookResponse(200, "", null, null)).isInstanceOf(NullPointerException.class);
    }
}
