package dev.capstan.health;

/** A health code and what a person can do with it ("1 of 3 replicas available; ..."). */
public record Health(HealthStatus status, String message) {

    public static Health healthy(String message) {
        return new Health(HealthStatus.Healthy, message);
    }

    public static Health progressing(String message) {
        return new Health(HealthStatus.Progressing, message);
    }

    public static Health degraded(String message) {
        return new Health(HealthStatus.Degraded, message);
    }

    public static Health suspended(String message) {
        return new Health(HealthStatus.Suspended, message);
    }

    public static Health missing(String message) {
        return new Health(HealthStatus.Missing, message);
    }

    /** {@code Degraded: Deployment/shop/web: 1 of 3 ...} as printed by {@code capstan health}. */
    public String line(String object) {
        return status + ": " + (object == null || object.isEmpty() ? "" : object + ": ") + message;
    }
}
