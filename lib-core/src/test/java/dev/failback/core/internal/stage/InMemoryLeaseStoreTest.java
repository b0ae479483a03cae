package dev.failback.core.internal.stage;

import dev.failback.core.memory.InMemoryLeaseStore;
import dev.failback.spi.LeaseStore;
import org.junit.jupiter.api.BeforeEach;

/** The lease checks on {@link InMemoryLeaseStore}; both "processes" share the one instance, as replicas in one JVM do. */
class InMemoryLeaseStoreTest extends LeaseStoreChecks {
    private InMemoryLeaseStore store;

    @BeforeEach
    void open() {
        store = new InMemoryLeaseStore();
        store.init();
    }

    @Override
    LeaseStore store() {
        return store;
    }

    @Override
    LeaseStore other() {
        return store;
    }
}
