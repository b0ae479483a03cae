package dev.failback.core.internal.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.spi.LeaseStore;
import dev.failback.spi.LeaseStore.Lease;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LeaseStore} that every implementation must keep: who is granted a group's
 * lease, at which epoch, and when another may take it over. Subclasses provide a fresh, initialized
 * store and a second handle on the same leases (another "process": a store of its own on the same
 * database, or the same instance in memory).
 */
abstract class LeaseStoreChecks {
    /** Long enough never to expire during a test. */
    static final Duration LONG = Duration.ofMinutes(5);
    /** Short enough to expire during a test. */
    static final Duration SHORT = Duration.ofMillis(300);
    /** Waited after a {@link #SHORT} grant so that it has expired on the store's clock. */
    static final long PAST_SHORT_MS = 600;

    /** A fresh, initialized store with no leases. */
    abstract LeaseStore store() throws SQLException;

    /** Another handle on the leases of {@link #store()}, as a second process would have. */
    abstract LeaseStore other() throws SQLException;

    static void assertGranted(Lease lease, String group, String holder) {
        assertThat(lease.group()).isEqualTo(group);
        assertThat(lease.holder()).as("holder of %s", lease).isEqualTo(holder);
        assertThat(lease.expired()).as("expired of %s", lease).isFalse();
        assertThat(lease.heldBy(holder)).isTrue();
    }

    @Test
    void theFirstAcquireGrantsAnEpochOfAtLeastOneAndAtLeastMinEpoch() throws SQLException {
        LeaseStore store = store();
        Lease a = store.acquire("g1", "a", 0, 1, LONG);
        assertGranted(a, "g1", "a");
        assertThat(a.epoch()).isGreaterThanOrEqualTo(1);

        Lease b = store.acquire("g2", "b", 0, 7, LONG);
        assertGranted(b, "g2", "b");
        assertThat(b.epoch()).as("minEpoch bounds the first grant").isGreaterThanOrEqualTo(7);

        Lease c = store.acquire("g3", "c", 0, 0, LONG);
        assertGranted(c, "g3", "c");
        assertThat(c.epoch()).as("even with minEpoch 0 a grant takes an epoch of 1 or more").isGreaterThanOrEqualTo(1);
    }

    @Test
    void anotherHolderIsRefusedWhileTheLeaseIsLiveAndSeesTheHolderAndItsEpoch() throws SQLException {
        LeaseStore store = store();
        LeaseStore other = other();
        Lease a = store.acquire("g", "a", 0, 1, LONG);
        assertGranted(a, "g", "a");

        Lease refused = other.acquire("g", "b", 0, 1, LONG);
        assertThat(refused).isEqualTo(new Lease("g", "a", a.epoch(), false));
        assertThat(refused.heldBy("b")).isFalse();
        assertThat(refused.heldBy("a")).isTrue();

        assertThat(other.acquire("g", "b", a.epoch(), 1, LONG))
                .as("the holder's epoch does not make another instance its holder")
                .isEqualTo(new Lease("g", "a", a.epoch(), false));
        assertThat(other.acquire("g", "b", 0, a.epoch() + 100, LONG))
                .as("nor does a larger minEpoch").isEqualTo(new Lease("g", "a", a.epoch(), false));
        assertThat(store.acquire("g", "a", a.epoch(), 1, LONG).epoch()).as("the holder still renews").isEqualTo(a.epoch());
    }

    @Test
    void theHolderRenewsAtItsEpochEvenAfterItsLeaseExpiredWhenNobodyTookIt() throws SQLException, InterruptedException {
        LeaseStore store = store();
        Lease a = store.acquire("g", "a", 0, 1, LONG);
        for (int i = 0; i < 3; i++) {
            Lease renewed = store.acquire("g", "a", a.epoch(), 1, LONG);
            assertGranted(renewed, "g", "a");
            assertThat(renewed.epoch()).isEqualTo(a.epoch());
        }
        Lease renewed = store.acquire("g", "a", a.epoch(), a.epoch() + 50, SHORT);
        assertThat(renewed.epoch()).as("minEpoch applies to new grants, not to renewals").isEqualTo(a.epoch());

        Thread.sleep(PAST_SHORT_MS);
        Lease late = store.acquire("g", "a", a.epoch(), 1, LONG);
        assertGranted(late, "g", "a");
        assertThat(late.epoch()).as("nobody held it meanwhile: the epoch is kept").isEqualTo(a.epoch());
        assertThat(other().acquire("g", "b", 0, 1, LONG)).as("and the renewal is live again")
                .isEqualTo(new Lease("g", "a", a.epoch(), false));
    }

    @Test
    void afterTheTtlAnotherHolderTakesOverAtTheNextEpochAndTheOldHolderCannotRenew()
            throws SQLException, InterruptedException {
        LeaseStore store = store();
        LeaseStore other = other();
        Lease a = store.acquire("g", "a", 0, 1, SHORT);
        assertGranted(a, "g", "a");
        assertThat(other.acquire("g", "b", 0, 1, SHORT).holder()).as("live right after the grant").isEqualTo("a");

        Thread.sleep(PAST_SHORT_MS);
        Lease b = other.acquire("g", "b", 0, 1, LONG);
        assertGranted(b, "g", "b");
        assertThat(b.epoch()).isEqualTo(a.epoch() + 1);

        Lease stale = store.acquire("g", "a", a.epoch(), 1, LONG);
        assertThat(stale).as("the old holder's renewal at its old epoch fails and names the new holder")
                .isEqualTo(new Lease("g", "b", b.epoch(), false));
        assertThat(stale.heldBy("a")).isFalse();
        assertThat(store.acquire("g", "a", b.epoch(), 1, LONG))
                .as("and neither does it with the new holder's epoch").isEqualTo(new Lease("g", "b", b.epoch(), false));
        assertThat(other.acquire("g", "b", b.epoch(), 1, LONG).epoch()).isEqualTo(b.epoch());
    }

    @Test
    void anExpiredLeaseReturnsToItsFormerHolderOnlyAtALargerEpochWhenAskedWithoutIt()
            throws SQLException, InterruptedException {
        LeaseStore store = store();
        Lease a = store.acquire("g", "a", 0, 1, SHORT);
        Thread.sleep(PAST_SHORT_MS);
        Lease again = store.acquire("g", "a", 0, 1, LONG);
        assertGranted(again, "g", "a");
        assertThat(again.epoch()).as("a new grant (asked with epoch 0) takes a new epoch").isGreaterThan(a.epoch());
    }

    @Test
    void releaseLetsAnotherAcquireAtOnceAtALargerEpoch() throws SQLException {
        LeaseStore store = store();
        LeaseStore other = other();
        Lease a = store.acquire("g", "a", 0, 1, LONG);
        store.release("g", "a", a.epoch());
        Lease b = other.acquire("g", "b", 0, 1, LONG);
        assertGranted(b, "g", "b");
        assertThat(b.epoch()).isGreaterThan(a.epoch());
        assertThat(store.acquire("g", "a", a.epoch(), 1, LONG)).as("a released lease cannot be renewed")
                .isEqualTo(new Lease("g", "b", b.epoch(), false));

        other.release("g", "b", b.epoch());
        Lease a2 = store.acquire("g", "a", 0, 1, LONG);
        assertGranted(a2, "g", "a");
        assertThat(a2.epoch()).isGreaterThan(b.epoch());
    }

    @Test
    void releaseByAnotherHolderOrAtAnotherEpochDoesNothing() throws SQLException {
        LeaseStore store = store();
        LeaseStore other = other();
        Lease a = store.acquire("g", "a", 0, 1, LONG);
        other.release("g", "b", a.epoch());
        other.release("g", "b", 0);
        store.release("g", "a", a.epoch() + 1);
        store.release("g", "a", a.epoch() - 1);
        store.release("g", "a", 0);
        store.release("g", "", a.epoch());
        store.release("unknown", "a", a.epoch());

        assertThat(other.acquire("g", "b", 0, 1, LONG)).isEqualTo(new Lease("g", "a", a.epoch(), false));
        assertThat(store.acquire("g", "a", a.epoch(), 1, LONG).epoch()).isEqualTo(a.epoch());
        assertGranted(store.acquire("unknown", "c", 0, 1, LONG), "unknown", "c");
    }

    @Test
    void minEpochRaisesTheEpochOfANewGrantAndLaterGrantsStayAboveIt() throws SQLException {
        LeaseStore store = store();
        Lease a = store.acquire("g", "a", 0, 1, LONG);
        store.release("g", "a", a.epoch());

        Lease b = store.acquire("g", "b", 0, a.epoch() + 100, LONG);
        assertGranted(b, "g", "b");
        assertThat(b.epoch()).isEqualTo(a.epoch() + 100);
        store.release("g", "b", b.epoch());

        Lease c = store.acquire("g", "c", 0, 1, LONG);
        assertGranted(c, "g", "c");
        assertThat(c.epoch()).as("a small minEpoch never lowers the epoch").isGreaterThan(b.epoch());
        store.release("g", "c", c.epoch());

        Lease d = store.acquire("g", "d", 0, c.epoch(), LONG);
        assertThat(d.epoch()).as("a minEpoch already used is exceeded").isGreaterThan(c.epoch());
    }

    @Test
    void groupsAreLeasedIndependentlyAndTheirNamesAreExact() throws SQLException {
        LeaseStore store = store();
        List<String> groups = List.of("g", "G", "g ", "grp/ü ✓ 1", "x".repeat(200));
        Map<String, Lease> leases = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            Lease l = store.acquire(g, "h" + i, 0, 1, LONG);
            assertGranted(l, g, "h" + i);
            leases.put(g, l);
        }
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            assertThat(other().acquire(g, "z", 0, 1, LONG)).isEqualTo(new Lease(g, "h" + i, leases.get(g).epoch(), false));
        }
        store.release("G", "h1", leases.get("G").epoch());
        assertGranted(store.acquire("G", "z", 0, 1, LONG), "G", "z");
        assertThat(store.acquire("g", "z", 0, 1, LONG).holder()).as("releasing G leaves g held").isEqualTo("h0");
    }

    @Test
    void ownKeepsTheFirstOwnerAndOwnersListsIt() throws SQLException {
        LeaseStore store = store();
        LeaseStore other = other();
        assertThat(store.owners()).isEmpty();
        assertThat(store.own("g1", "dep-a")).isEqualTo("dep-a");
        assertThat(other.own("g1", "dep-b")).as("the first owner stays").isEqualTo("dep-a");
        assertThat(store.own("g1", "dep-a")).isEqualTo("dep-a");
        assertThat(other.own("g2", "dep-b")).isEqualTo("dep-b");

        Lease held = store.acquire("g3", "a", 0, 1, LONG);
        assertThat(store.own("g3", "dep-c")).as("a group leased before it is owned").isEqualTo("dep-c");
        assertThat(other.acquire("g3", "b", 0, 1, LONG)).as("owning does not touch the lease")
                .isEqualTo(new Lease("g3", "a", held.epoch(), false));
        store.acquire("g4", "a", 0, 1, LONG);

        assertThat(store.owners()).isEqualTo(Map.of("g1", "dep-a", "g2", "dep-b", "g3", "dep-c"));
        assertThat(other.owners()).isEqualTo(Map.of("g1", "dep-a", "g2", "dep-b", "g3", "dep-c"));

        Lease first = other.acquire("g1", "a", 0, 1, LONG);
        assertGranted(first, "g1", "a");
        assertThat(first.epoch()).as("a group owned before it is leased").isGreaterThanOrEqualTo(1);
        assertThat(store.owners()).containsEntry("g1", "dep-a");
    }

    /** One call's outcome, with when it started and returned (System.nanoTime). */
    private record Call(String holder, long asked, Lease lease, long start, long end) {
        boolean granted() {
            return lease.holder().equals(holder);
        }
    }

    /** One release, with when it was called. */
    private record Release(String holder, long epoch, long start) {
    }

    /** The calls that overlap a span of time, in the order they started, for a failure's message. */
    private static String timeline(long from, long to, List<Call> grants, List<Call> refusals, List<Call> renewals,
            List<Release> releases) {
        List<Map.Entry<Long, String>> lines = new ArrayList<>();
        for (Call c : grants) {
            if (c.end() >= from && c.start() <= to) {
                lines.add(Map.entry(c.start(), c.start() + ".." + c.end() + " acquire " + c));
            }
        }
        for (Call c : refusals) {
            if (c.end() >= from && c.start() <= to) {
                lines.add(Map.entry(c.start(), c.start() + ".." + c.end() + " refused " + c));
            }
        }
        for (Call c : renewals) {
            if (c.end() >= from && c.start() <= to) {
                lines.add(Map.entry(c.start(), c.start() + ".." + c.end() + " renew " + c));
            }
        }
        for (Release r : releases) {
            if (r.start() >= from && r.start() <= to) {
                lines.add(Map.entry(r.start(), r.start() + ".. release " + r));
            }
        }
        lines.sort(Map.Entry.comparingByKey());
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Long, String> l : lines) {
            sb.append("  ").append(l.getValue()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void racingHoldersNeverShareAnEpochAndEpochsGrowWithEveryGrant() throws Exception {
        LeaseStore first = store();
        LeaseStore second = other();
        int threads = 8;
        int attempts = 200;
        Duration ttl = Duration.ofMillis(10);
        List<Call> grants = Collections.synchronizedList(new ArrayList<>());
        List<Call> refusals = Collections.synchronizedList(new ArrayList<>());
        List<Call> renewals = Collections.synchronizedList(new ArrayList<>());
        List<Release> releases = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                LeaseStore store = t % 2 == 0 ? first : second;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < attempts; i++) {
                        String me = "t" + thread + "-" + i;
                        long start = System.nanoTime();
                        Lease l = store.acquire("race", me, 0, 1, ttl);
                        Call call = new Call(me, 0, l, start, System.nanoTime());
                        Thread.sleep(1); // a refused instance retries a moment later; a holder works a moment
                        if (!call.granted()) {
                            refusals.add(call);
                            continue;
                        }
                        grants.add(call);
                        long held = l.epoch();
                        if (i % 3 == 0) {
                            long s = System.nanoTime();
                            Lease r = store.acquire("race", me, held, 1, ttl);
                            Call renewal = new Call(me, held, r, s, System.nanoTime());
                            if (renewal.granted() && r.epoch() != held) {
                                // It had expired and another took and lost it meanwhile: a new grant, at a new epoch.
                                grants.add(renewal);
                                held = r.epoch();
                            } else {
                                renewals.add(renewal);
                            }
                        }
                        if (i % 3 != 1) {
                            releases.add(new Release(me, held, System.nanoTime()));
                            store.release("race", me, held);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(grants).as("the race granted the lease many times").hasSizeGreaterThan(20);
        assertThat(refusals).as("and refused it sometimes").isNotEmpty();

        // No two grants (so neither two live ones nor two different holders) at one epoch.
        Map<Long, Call> byEpoch = new HashMap<>();
        for (Call g : grants) {
            assertThat(g.lease().epoch()).isGreaterThanOrEqualTo(1);
            Call twin = byEpoch.put(g.lease().epoch(), g);
            assertThat(twin).as("epoch %d granted twice: %s and %s", g.lease().epoch(), twin, g).isNull();
        }

        // Grants are ordered by their epochs: a grant that returned before another was asked has the smaller epoch.
        List<Call> sorted = new ArrayList<>(grants);
        sorted.sort((x, y) -> Long.compare(x.lease().epoch(), y.lease().epoch()));
        for (Call x : sorted) {
            for (Call y : sorted) {
                if (x.end() < y.start()) {
                    assertThat(x.lease().epoch()).as("%s returned before %s was asked", x, y).isLessThan(y.lease().epoch());
                }
            }
        }

        // Each grant came after its predecessor's lease ended: released, or past its TTL (measured from when it was asked).
        Map<String, Long> releasedAt = new HashMap<>();
        for (Release r : releases) {
            releasedAt.put(r.holder() + "@" + r.epoch(), r.start());
        }
        Map<String, Long> renewedAt = new HashMap<>();
        for (Call r : renewals) {
            if (r.granted()) {
                renewedAt.put(r.holder() + "@" + r.asked(), r.start());
            }
        }
        long slack = TimeUnit.MILLISECONDS.toNanos(5);
        for (int i = 1; i < sorted.size(); i++) {
            Call prev = sorted.get(i - 1);
            Call next = sorted.get(i);
            String key = prev.holder() + "@" + prev.lease().epoch();
            long liveFrom = renewedAt.getOrDefault(key, prev.start());
            long endsAt = Math.min(releasedAt.getOrDefault(key, Long.MAX_VALUE), liveFrom + ttl.toNanos());
            assertThat(next.end() + slack).as(() -> next + " granted while " + prev + " was live (until " + endsAt + "); calls then:\n"
                    + timeline(prev.start(), endsAt, grants, refusals, renewals, releases)).isGreaterThanOrEqualTo(endsAt);
        }

        // A renewal keeps the epoch and succeeds only while no later epoch has been granted; a renewal that
        // came back as a new grant (counted with the grants above) took a later epoch.
        for (Call g : grants) {
            assertThat(g.lease().epoch()).as("%s", g).isGreaterThan(g.asked());
        }
        for (Call r : renewals) {
            if (r.granted()) {
                for (Call g : grants) {
                    if (g.lease().epoch() > r.asked()) {
                        assertThat(g.end()).as("%s renewed after %s was granted", r, g).isGreaterThan(r.start());
                    }
                }
            } else {
                assertThat(r.lease().epoch()).isGreaterThan(r.asked());
            }
        }

        // A refusal names a holder that was granted the lease at that epoch.
        Set<String> granted = new HashSet<>();
        for (Call g : grants) {
            granted.add(g.holder() + "@" + g.lease().epoch());
        }
        for (Call r : refusals) {
            assertThat(r.lease().expired()).isFalse();
            assertThat(granted).as("refusal %s", r).contains(r.lease().holder() + "@" + r.lease().epoch());
        }
        for (Call r : renewals) {
            if (!r.granted()) {
                assertThat(granted).as("failed renewal %s", r).contains(r.lease().holder() + "@" + r.lease().epoch());
            }
        }
    }
}
