package dev.failback.testing.simulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A set with O(1) add, remove and uniform random pick; insertion-ordered until removals. Not thread-safe. */
final class IndexedSet<T> {
    private final List<T> items = new ArrayList<>();
    private final Map<T, Integer> index = new HashMap<>();

    boolean add(T item) {
        if (index.containsKey(item)) {
            return false;
        }
        index.put(item, items.size());
        items.add(item);
        return true;
    }

    boolean remove(T item) {
        Integer i = index.remove(item);
        if (i == null) {
            return false;
        }
        T last = items.remove(items.size() - 1);
        if (i < items.size()) {
            items.set(i, last);
            index.put(last, i);
        }
        return true;
    }

    boolean contains(T item) {
        return index.containsKey(item);
    }

    T pick(Random random) {
        return items.isEmpty() ? null : items.get(random.nextInt(items.size()));
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }
}
