package dev.capstan.health;

/** A Service is healthy once it exists, except a LoadBalancer, which waits for its ingress address. */
final class ServiceHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        if ("LoadBalancer".equals(o.string("spec.type")) && o.list("status.loadBalancer.ingress").isEmpty()) {
            return Health.progressing("waiting for the load balancer's address");
        }
        return Health.healthy(o.string("spec.type") == null ? "ClusterIP" : o.string("spec.type"));
    }
}
