package dev.failback.examples.bench;

import dev.failback.examples.bench.BenchWorkload.Mutations;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's change stream held in memory twice: as mutations (for the limit and Debezium) and as
 * the CockroachDB webhook bodies each sender POSTs, with the resolved timestamps between them. Source
 * time advances at {@code sourceRate} mutations per second; a resolved timestamp closes every
 * {@value #RESOLVED_MILLIS} ms of source time. A body never spans a resolved timestamp, and every row
 * of one parent's family goes to the same sender, in order (as one CockroachDB node sends its rows).
 */
final class ChangeStream {
    static final long RESOLVED_MILLIS = 250;

    final Mutations mutations = new Mutations();
    /** Resolved timestamps (wall nanos), increasing; the last covers every mutation. */
    final long[] resolved;
    /** Per sender, its bodies in order. */
    final List<List<byte[]>> bodies = new ArrayList<>();
    /** {@code [k][s]}: bodies of sender s to acknowledge before resolved k may be sent. */
    final int[][] before;
    final long bodyBytes;
    final long messages;
    final BenchWorkload workload;

    ChangeStream(BenchWorkload workload, int rows, int senders, int batch, double sourceRate, long startWall) {
        this.workload = workload;
        long wall = startWall;
        long interval = RESOLVED_MILLIS * 1_000_000L;
        List<Long> res = new ArrayList<>();
        long nextResolved = startWall + interval;
        while (mutations.size < rows) {
            workload.nextTransaction();
            Mutations t = workload.txn;
            long nextWall = wall + Math.max(1, Math.round(t.size * 1e9 / sourceRate));
            while (nextWall > nextResolved) {
                res.add(nextResolved);
                nextResolved += interval;
            }
            wall = nextWall;
            for (int i = 0; i < t.size; i++) {
                mutations.add(t.table[i], t.id[i], t.version[i], t.parentId[i], wall);
            }
        }
        res.add(Math.max(wall, res.isEmpty() ? wall : res.get(res.size() - 1) + 1));
        resolved = res.stream().mapToLong(Long::longValue).toArray();
        before = new int[resolved.length][senders];
        List<List<String>> pending = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            bodies.add(new ArrayList<>());
            pending.add(new ArrayList<>());
        }
        long bytes = 0;
        int k = 0;
        for (int i = 0; i <= mutations.size; i++) {
            boolean end = i == mutations.size;
            while (k < resolved.length && (end || mutations.wall[i] > resolved[k])) {
                for (int s = 0; s < senders; s++) {
                    bytes += flush(s, pending.get(s));
                    before[k][s] = bodies.get(s).size();
                }
                k++;
            }
            if (end) {
                break;
            }
            int s = BenchWorkload.family(mutations, i, senders);
            List<String> p = pending.get(s);
            p.add(BenchWorkload.message(mutations, i));
            if (p.size() == batch) {
                bytes += flush(s, p);
            }
        }
        bodyBytes = bytes;
        messages = mutations.size;
    }

    private long flush(int sender, List<String> pending) {
        if (pending.isEmpty()) {
            return 0;
        }
        byte[] b = BenchWorkload.body(pending);
        bodies.get(sender).add(b);
        pending.clear();
        return b.length;
    }

    long lastResolved() {
        return resolved[resolved.length - 1];
    }

    int bodyCount() {
        return bodies.stream().mapToInt(List::size).sum();
    }
}
