package dev.capstan.health;

/**
 * Health codes with the meanings Argo CD users know, declared from best to worst so
 * that an application's health is simply the worst of its objects'.
 */
public enum HealthStatus {
    Healthy, Suspended, Progressing, Missing, Degraded, Unknown;

    public boolean isWorseThan(HealthStatus other) {
        return ordinal() > other.ordinal();
    }

    public static HealthStatus worst(HealthStatus a, HealthStatus b) {
        return a.isWorseThan(b) ? a : b;
    }
}
