package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void requestsQueuedBehindALeaderAreCommittedTogetherWithinTheBound() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        GroupCommit<Integer, String> gc = new GroupCommit<>(lock, 10);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch leaderIn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit.Committer<Integer, String> committer = batch -> {
            List<Integer> work = new ArrayList<>();
            batch.forEach(t -> work.add(t.work));
            batches.add(work);
            if (work.contains(0)) {
                leaderIn.countDown();
                await(release);
            }
            batch.forEach(t -> t.complete("ok " + t.work));
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Future<String> first = pool.submit(() -> gc.submit(0, 1, committer));
            assertThat(leaderIn.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> queued = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                int w = i;
                queued.add(pool.submit(() -> gc.submit(w, 4, committer))); // 6 x 4 units, bound 10: 2 per batch
            }
            // all six queue behind the leader: each adds its work before it waits for the lock (polled, not a
            // fixed sleep that a loaded machine could outlast)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lock.getQueueLength() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(lock.getQueueLength()).as("requests waiting behind the leader").isEqualTo(6);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok 0");
            for (int i = 0; i < queued.size(); i++) {
                assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("ok " + (i + 1));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(batches).hasSize(4);
        assertThat(batches.get(0)).containsExactly(0);
        for (List<Integer> b : batches.subList(1, 4)) {
            assertThat(b).hasSize(2);
        }
    }

    @Test
    void aFailureReachesEveryRequestItWasGivenToAndAnUnansweredOneFails() {
        GroupCommit<Integer, String> gc = new GroupCommit<>(new ReentrantLock(), 10);
        assertThatThrownBy(() -> gc.submit(1, 1, batch -> batch.forEach(t -> t.fail(new SQLException("down", "08006")))))
                .isInstanceOf(SQLException.class).hasMessage("down");
        assertThatThrownBy(() -> gc.submit(2, 1, batch -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
        assertThatThrownBy(() -> gc.submit(3, 1, batch -> {
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("unanswered");
    }

    @Test
    void aRequestLargerThanTheBoundIsCommittedAlone() throws SQLException {
        GroupCommit<Integer, Integer> gc = new GroupCommit<>(new ReentrantLock(), 10);
        assertThat(gc.submit(7, 50, batch -> batch.forEach(t -> t.complete(batch.size())))).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
