package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void reservationsAddUpAndCloseGivesEverythingBack() {
        MemoryBudget budget = new MemoryBudget(1000);
        MemoryBudget.Reservation a = budget.open();
        MemoryBudget.Reservation b = budget.open();
        a.reserve(300);
        a.reserve(100);
        b.reserve(500);
        assertThat(a.held()).isEqualTo(400);
        assertThat(budget.used()).isEqualTo(900);
        a.release(150);
        assertThat(a.held()).isEqualTo(250);
        assertThat(budget.used()).isEqualTo(750);
        a.release(10_000); // at most what it holds
        assertThat(a.held()).isZero();
        assertThat(budget.used()).isEqualTo(500);
        b.close();
        b.close(); // idempotent
        assertThat(budget.used()).isZero();
        assertThat(budget.limit()).isEqualTo(1000);
    }

    @Test
    void aRequestThatCanNeverFitIsTooLarge() {
        MemoryBudget budget = new MemoryBudget(1000);
        MemoryBudget.Reservation r = budget.open();
        r.reserve(600);
        WebhookException e = (WebhookException) org.assertj.core.api.Assertions.catchThrowable(() -> r.reserve(401));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("body needs more than 1000 bytes of memory to read and decode, the limit"
                + " for request bodies in flight (maxBytesInFlight); nothing was staged");
        assertThat(r.held()).isEqualTo(600); // nothing taken
        assertThat(budget.used()).isEqualTo(600);
        r.reserve(400); // exactly the limit fits
        assertThat(budget.used()).isEqualTo(1000);
        assertThatThrownBy(() -> budget.open().requireFits(1001)).isInstanceOf(WebhookException.class);
        budget.open().requireFits(1000); // takes nothing
        assertThat(budget.used()).isEqualTo(1000);
    }

    @Test
    void aRequestThatDoesNotFitBesideOthersIsRefusedForNow() {
        MemoryBudget budget = new MemoryBudget(1000);
        MemoryBudget.Reservation other = budget.open();
        other.reserve(700);
        MemoryBudget.Reservation r = budget.open();
        r.reserve(200);
        assertThatThrownBy(() -> r.reserve(101)).isInstanceOf(MemoryBudget.ExhaustedException.class)
                .hasMessage("900 bytes of request bodies in flight, 101 more wanted (limit 1000);"
                        + " the changefeed will retry");
        assertThat(r.held()).isEqualTo(200);
        assertThat(budget.used()).isEqualTo(900);
        other.close();
        r.reserve(101); // fits once the other is answered
        assertThat(budget.used()).isEqualTo(301);
        assertThat(MemoryBudget.RETRY_AFTER).isPositive();
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws InterruptedException {
        MemoryBudget budget = new MemoryBudget(10_000);
        AtomicLong overshoot = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 20_000; i++) {
                    try (MemoryBudget.Reservation r = budget.open()) {
                        for (int k = 0; k < 3; k++) {
                            r.reserve(random.nextInt(1, 2_000));
                            if (budget.used() > budget.limit()) {
                                overshoot.incrementAndGet();
                            }
                        }
                    } catch (MemoryBudget.ExhaustedException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(overshoot.get()).isZero();
        assertThat(refused.get()).isPositive(); // 8 threads of up to 6000 bytes do collide
        assertThat(budget.used()).isZero();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> new MemoryBudget(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be > 0, but was 0");
        MemoryBudget.Reservation r = new MemoryBudget(10).open();
        assertThatThrownBy(() -> r.reserve(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.release(-1)).isInstanceOf(IllegalArgumentException.class);
        r.close();
        assertThatThrownBy(() -> r.reserve(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the reservation is closed");
        assertThat(MemoryBudget.unlimited().limit()).isEqualTo(Long.MAX_VALUE);
    }
}
