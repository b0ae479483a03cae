package dev.failback.core.internal.apply;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: concurrent requests for one group queue their work, and whoever gets the lock
 * (the leader) takes everything queued, up to a bound, and hands it to the committer as one batch,
 * so that many requests share one database transaction. Each request returns when the batch that
 * holds its work has been committed (or failed). While a leader works, the next requests queue up,
 * so the batches grow with the load and a lone request is committed at once.
 *
 * @param <T> a request's work
 * @param <R> a request's answer
 */
public final class GroupCommit<T, R> {

    /** Commits one batch; must {@link Ticket#complete complete} or {@link Ticket#fail fail} each ticket. */
    @FunctionalInterface
    public interface Committer<T, R> {
        void commit(List<Ticket<T, R>> batch);
    }

    /** One request's work and, once its batch is done, its answer or failure. */
    public static final class Ticket<T, R> {
        public final T work;
        final int size;
        private volatile boolean done;
        private R result;
        private Throwable error;

        Ticket(T work, int size) {
            this.work = work;
            this.size = size;
        }

        public void complete(R r) {
            if (!done) {
                result = r;
                done = true;
            }
        }

        public void fail(Throwable e) {
            if (!done) {
                error = e;
                done = true;
            }
        }

        boolean done() {
            return done;
        }
    }

    private final ReentrantLock lock;
    private final int maxSize;
    private final ArrayDeque<Ticket<T, R>> queue = new ArrayDeque<>();

    /**
     * @param lock    held while a batch is committed; others may take it to run work that must not
     *                overlap a batch
     * @param maxSize the most work units (mutations) in one batch; a single larger request is a batch alone
     */
    public GroupCommit(ReentrantLock lock, int maxSize) {
        this.lock = lock;
        this.maxSize = maxSize;
    }

    /**
     * Queues work and returns its answer once the batch holding it is committed.
     *
     * @param work      the work
     * @param size      its size in units counted against the bound
     * @param committer commits a batch (the same for all calls on this instance)
     * @return the answer the committer gave this work
     * @throws SQLException     when the committer failed this work with one
     * @throws RuntimeException when the committer failed this work with one
     */
    public R submit(T work, int size, Committer<T, R> committer) throws SQLException {
        Ticket<T, R> ticket = new Ticket<>(work, size);
        synchronized (queue) {
            queue.add(ticket);
        }
        while (!ticket.done()) {
            lock.lock();
            try {
                if (ticket.done()) {
                    break;
                }
                List<Ticket<T, R>> batch = drain();
                try {
                    committer.commit(batch);
                } catch (Throwable e) {
                    for (Ticket<T, R> t : batch) {
                        t.fail(e);
                    }
                    if (e instanceof Error err) {
                        throw err;
                    }
                }
                for (Ticket<T, R> t : batch) {
                    t.fail(new IllegalStateException("group commit left a request unanswered"));
                }
            } finally {
                lock.unlock();
            }
        }
        Throwable e = ticket.error;
        if (e == null) {
            return ticket.result;
        }
        if (e instanceof SQLException sql) {
            throw sql;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }

    /** Takes queued tickets, oldest first, up to the bound (at least one). */
    private List<Ticket<T, R>> drain() {
        List<Ticket<T, R>> batch = new ArrayList<>();
        long total = 0;
        synchronized (queue) {
            while (!queue.isEmpty()) {
                Ticket<T, R> next = queue.peek();
                if (!batch.isEmpty() && total + next.size > maxSize) {
                    break;
                }
                batch.add(queue.poll());
                total += next.size;
            }
        }
        return batch;
    }
}
