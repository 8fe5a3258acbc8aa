package dev.capstan.apply;

import dev.capstan.cluster.ClusterDiscovery;
import dev.capstan.cluster.DiscoveryCache;
import dev.capstan.plan.AdmissionRules;
import dev.capstan.plan.ObjectRef;
import dev.capstan.plan.PlanEntry;
import dev.capstan.plan.ProvablyValid;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The creates of a change set whose dry-run could not fail, so that a first sync costs one
 * request per object, as {@code kubectl apply} does, instead of two. A create qualifies when
 * the server's validation of it is reproduced and passes ({@link ProvablyValid}), and the
 * cluster, asked at this sync, shows nothing in admission that could still refuse it: no
 * webhook configuration or admission policy with a rule for its resource, no ResourceQuota
 * counting it in its namespace, the namespace Active, and create and patch allowed to this
 * client's identity (a SelfSubjectAccessReview, so an impersonated tenant is asked as
 * itself). The survey costs a handful of requests and is made only when it saves more than
 * it costs. Whatever cannot be read (a 403 on webhook configurations, an admission API
 * this version does not know) proves nothing, and every object keeps its dry-run.
 */
final class ProvenCreates {

    private static final Logger LOG = LoggerFactory.getLogger(ProvenCreates.class);
    private static final String ADMISSION = "admissionregistration.k8s.io";
    private static final List<String> CONFIGURATIONS = List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
            "ValidatingAdmissionPolicy", "MutatingAdmissionPolicy");
    private static final Set<String> KNOWN_ADMISSION_KINDS = Set.of("ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");

    private final KubernetesClient client;
    private final DiscoveryCache discovery;

    ProvenCreates(KubernetesClient client, DiscoveryCache discovery) {
        this.client = client;
        this.discovery = discovery;
    }

    /** The objects among {@code entries} that need no dry-run; empty when nothing is proven. */
    Set<ObjectRef> select(List<PlanEntry> entries) {
        List<PlanEntry> candidates = entries.stream()
                .filter(e -> e.kind() == PlanEntry.Kind.CREATE && ProvablyValid.asCreate(e.desired())).toList();
        if (candidates.isEmpty()) {
            return Set.of();
        }
        ClusterDiscovery served = discovery.current();
        if (!KNOWN_ADMISSION_KINDS.containsAll(served.kinds(ADMISSION))) {
            return Set.of(); // an admission API newer than this code: it might refuse what is checked here
        }
        List<ResourceDefinitionContext> configurations = CONFIGURATIONS.stream()
                .map(k -> served.anyVersion(ADMISSION, k)).flatMap(Optional::stream).toList();
        Map<String, Set<String>> wanted = candidates.stream().collect(Collectors.groupingBy(e -> e.ref().namespace(),
                TreeMap::new, Collectors.mapping(e -> ProvablyValid.resource(e.ref()), Collectors.toSet())));
        int cost = configurations.size() + wanted.values().stream().mapToInt(r -> 2 + 2 * r.size()).sum();
        if (candidates.size() <= cost) {
            return Set.of();
        }
        Set<String> admissible;
        try {
            admissible = admissible(configurations, wanted);
        } catch (KubernetesClientException e) {
            LOG.debug("admission survey failed, every create keeps its dry-run: {}", Applier.message(e));
            return Set.of();
        }
        Set<ObjectRef> proven = new HashSet<>();
        candidates.stream().filter(e -> admissible.contains(e.ref().namespace() + "|" + ProvablyValid.resource(e.ref())))
                .forEach(e -> proven.add(e.ref()));
        LOG.debug("{} of {} creates proven valid and admissible: no dry-run for them", proven.size(), candidates.size());
        return proven;
    }

    /** {@code namespace|resource} pairs nothing in admission could refuse a create of. */
    private Set<String> admissible(List<ResourceDefinitionContext> configurations, Map<String, Set<String>> wanted) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (ResourceDefinitionContext c : configurations) {
            client.genericKubernetesResources(c).list().getItems().forEach(r -> rules.add(plain(r)));
        }
        Set<String> all = wanted.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        Set<String> matched = AdmissionRules.matched(rules, all);
        Set<String> admissible = new HashSet<>();
        for (Map.Entry<String, Set<String>> ns : wanted.entrySet()) {
            Namespace namespace = client.namespaces().withName(ns.getKey()).get();
            if (namespace == null || namespace.getStatus() == null || !"Active".equals(namespace.getStatus().getPhase())) {
                continue;
            }
            Set<String> counted = new HashSet<>();
            client.resourceQuotas().inNamespace(ns.getKey()).list().getItems()
                    .forEach(q -> counted.addAll(AdmissionRules.counted(plain(q), ns.getValue())));
            for (String resource : ns.getValue()) {
                if (!matched.contains(resource) && !counted.contains(resource)
                        && allowed(ns.getKey(), resource, "create") && allowed(ns.getKey(), resource, "patch")) {
                    admissible.add(ns.getKey() + "|" + resource);
                }
            }
        }
        return admissible;
    }

    private boolean allowed(String namespace, String resource, String verb) {
        SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview().create(
                new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes().withNamespace(namespace)
                        .withGroup("").withVersion("v1").withResource(resource).withVerb(verb).endResourceAttributes().endSpec().build());
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plain(Object resource) {
        return client.getKubernetesSerialization().convertValue(resource, Map.class);
    }
}
