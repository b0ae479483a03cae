package dev.failback.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.memory.InMemoryStagingStore.DeadLetter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryStagingStoreTest {
    private static final TableName T = new TableName("app", "kv");

    @Test
    void deadLettersAreKeptOncePerSchemaTableKeyAndTimestamp() {
        InMemoryStagingStore store = new InMemoryStagingStore();
        Mutation poison = new Mutation(T, "[3]", new Hlc(10, 0), "{\"id\":3,\"v\":\"bad\"}", null);
        store.deadLetter("db.s", poison, "check violation");
        store.deadLetter("db.s", poison, "again");
        store.deadLetter("db.s", new Mutation(T, "[3]", new Hlc(11, 0), "{\"id\":3,\"v\":\"bad\"}", null), "later");
        store.deadLetter("db.other", poison, "elsewhere");

        assertThat(store.deadLetters("db.s")).isEqualTo(Map.of(
                new DeadLetter(T, "[3]", new Hlc(10, 0)), "check violation",
                new DeadLetter(T, "[3]", new Hlc(11, 0)), "later"));
        assertThat(store.deadLetters("db.other")).hasSize(1);
        assertThat(store.deadLetters("db.none")).isEmpty();
        assertThat(store.count("db.s")).as("dead letters are not staged").isZero();
    }
}
