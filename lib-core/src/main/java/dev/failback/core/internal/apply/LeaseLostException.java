package dev.failback.core.internal.apply;

/**
 * This process no longer holds a group's lease: a target transaction found another epoch in the
 * group's fence and was rolled back, or the lease could not be renewed in time. Nothing of the window
 * was committed; the group's new holder applies it.
 */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
        super(message, null, false, false);
    }
}
