package dev.capstan.health;

/** Assesses one kind from its live object (plain data). Pure: implementations do no I/O. */
@FunctionalInterface
public interface HealthCheck {
    Health assess(Obj object);
}
