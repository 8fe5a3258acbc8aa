package dev.capstan.apply;

import dev.capstan.plan.ObjectRef;

/** One object's outcome: {@code Deployment/shop/web configured}. */
public record Change(ObjectRef ref, Action action, String message) {

    @Override
    public String toString() {
        return ref + " " + action.label() + (message == null || message.isEmpty() ? "" : ": " + message);
    }
}
