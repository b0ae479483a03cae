package dev.failback.core.internal.telemetry;

import dev.failback.FailbackListener;
import dev.failback.Hlc;
import dev.failback.State;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured listeners as one: each event goes to every listener in order, and a listener that
 * throws is logged at WARN and skipped, never failing the caller (an apply, a request, a lease
 * change). Immutable, thread-safe as far as the listeners are.
 */
public final class Listeners implements FailbackListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final String pipeline;
    private final List<FailbackListener> all;

    public Listeners(String pipeline, List<FailbackListener> all) {
        this.pipeline = pipeline;
        this.all = List.copyOf(all);
    }

    @Override
    public void onStateChange(State from, State to) {
        each("onStateChange", l -> l.onStateChange(from, to));
    }

    @Override
    public void onResolved(String group, Hlc resolved) {
        each("onResolved", l -> l.onResolved(group, resolved));
    }

    @Override
    public void onWindowApplied(String group, Hlc upTo, int upserts, int deletes) {
        each("onWindowApplied", l -> l.onWindowApplied(group, upTo, upserts, deletes));
    }

    @Override
    public void onFailure(String group, Throwable error) {
        each("onFailure", l -> l.onFailure(group, error));
    }

    @Override
    public void onLeaseAcquired(String group, String instance, long epoch) {
        each("onLeaseAcquired", l -> l.onLeaseAcquired(group, instance, epoch));
    }

    @Override
    public void onLeaseLost(String group, String instance, long epoch, String reason) {
        each("onLeaseLost", l -> l.onLeaseLost(group, instance, epoch, reason));
    }

    private void each(String event, Consumer<FailbackListener> call) {
        for (FailbackListener l : all) {
            try {
                call.accept(l);
            } catch (Throwable t) {
                // swallowed so that one listener cannot fail the pipeline, so logged
                LOG.warn("{} - listener {} failed in {}", pipeline, l, event, t);
            }
        }
    }
}
