package dev.failback.core.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.core.memory.InMemoryStagingStore;
import dev.failback.spi.VersionStore.RowKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionGuardTest {
    private static final TableName T = new TableName("app", "kv");
    private static final RowKey A = new RowKey(T, "[1]");
    private static final RowKey B = new RowKey(T, "[2]");
    private static final RowKey C = new RowKey(T, "[3]");

    private static Hlc at(long wall) {
        return new Hlc(wall, 0);
    }

    @Test
    void keepsVersionsInMemoryUpToTheBoundThenSpillsToStaging() throws Exception {
        InMemoryStagingStore store = new InMemoryStagingStore();
        VersionGuard guard = new VersionGuard(store, "g", 2);
        assertThat(guard.known(List.of(A))).isEmpty();
        assertThat(guard.consultsStaging()).as("an empty store is not consulted again").isFalse();

        guard.record(Map.of(A, at(10), B, at(10)));
        assertThat(store.appliedVersions("g", List.of(A, B))).as("within the bound: memory only").isEmpty();
        assertThat(guard.known(List.of(A, B, C))).isEqualTo(Map.of(A, at(10), B, at(10)));

        guard.record(Map.of(C, at(20)));
        assertThat(store.appliedVersions("g", List.of(C))).as("past the bound: staged").isEqualTo(Map.of(C, at(20)));
        assertThat(guard.consultsStaging()).isTrue();
        assertThat(guard.known(List.of(A, B, C))).isEqualTo(Map.of(A, at(10), B, at(10), C, at(20)));

        guard.record(Map.of(A, at(30)));
        assertThat(guard.known(List.of(A))).as("memory drops what it spills").isEqualTo(Map.of(A, at(30)));
        assertThat(guard.size()).isEqualTo(1);

        guard.retire(at(25));
        assertThat(guard.size()).isZero();
        assertThat(guard.known(List.of(A, B, C))).isEqualTo(Map.of(A, at(30)));
        assertThat(guard.consultsStaging()).isTrue();
        guard.retire(at(30));
        assertThat(guard.consultsStaging()).as("every staged version retired").isFalse();
        assertThat(guard.known(List.of(A, B, C))).isEmpty();
    }

    @Test
    void consultsWhatAnEarlierProcessLeftInStaging() throws Exception {
        InMemoryStagingStore store = new InMemoryStagingStore();
        store.recordVersions("g", Map.of(A, at(50)));
        VersionGuard guard = new VersionGuard(store, "g", 100);
        assertThat(guard.known(List.of(A, B))).isEqualTo(Map.of(A, at(50)));
        guard.record(Map.of(B, at(60)));
        assertThat(guard.known(List.of(A, B))).isEqualTo(Map.of(A, at(50), B, at(60)));
        guard.retire(at(50));
        assertThat(guard.consultsStaging()).isFalse();
        assertThat(guard.known(List.of(A, B))).isEqualTo(Map.of(B, at(60)));
    }
}
