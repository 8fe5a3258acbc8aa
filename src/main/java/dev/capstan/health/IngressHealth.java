package dev.capstan.health;

/** An Ingress is healthy once its controller published an address (as Argo CD judges it). */
final class IngressHealth implements HealthCheck {

    @Override
    public Health assess(Obj o) {
        var ingress = o.list("status.loadBalancer.ingress");
        if (ingress.isEmpty()) {
            return Health.progressing("waiting for the ingress controller to publish an address");
        }
        Object addr = ingress.get(0).getOrDefault("ip", ingress.get(0).get("hostname"));
        return Health.healthy("address " + addr);
    }
}
