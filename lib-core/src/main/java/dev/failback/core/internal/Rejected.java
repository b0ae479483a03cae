package dev.failback.core.internal;

import dev.failback.FailbackException;

/** A request refused with a 4xx status and a message naming what is wrong. */
final class Rejected extends FailbackException {
    private static final long serialVersionUID = 1L;

    private final int status;

    Rejected(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
