package dev.capstan.health;

import dev.capstan.plan.ObjectRef;

/** One object's health, as shown in status. */
public record ObjectHealth(ObjectRef ref, Health health) {

    @Override
    public String toString() {
        return ref + ": " + health.status() + ": " + health.message();
    }
}
