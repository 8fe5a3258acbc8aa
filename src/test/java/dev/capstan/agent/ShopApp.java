package dev.capstan.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The example application of the end-to-end tests, as files in Git: the seed's
 * python-web-app (apps/v1, 3 replicas, port 80) with its Namespace, ConfigMap, Secret,
 * Service, and a CRD with one custom resource. Names are unique per test so tests can
 * share one control plane.
 */
final class ShopApp {

    final String namespace;
    final String group;

    ShopApp(String suffix) {
        this.namespace = "shop-" + suffix;
        this.group = "w" + suffix + ".example.com";
    }

    Map<String, String> files(String color) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("shop/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n");
        f.put("shop/config.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-config
                data:
                  color: %s
                """.formatted(color));
        f.put("shop/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: web-secret
                type: Opaque
                stringData:
                  password: hunter2-s3cr3t
                """);
        f.put("shop/service.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: python-web-app
                spec:
                  selector: {app: python-web-app}
                  ports:
                  - port: 80
                    targetPort: 80
                """);
        f.put("shop/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: python-web-app
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: python-web-app}
                  template:
                    metadata:
                      labels: {app: python-web-app}
                    spec:
                      containers:
                      - name: python-web-app
                        image: python-web-app:latest
                        ports:
                        - containerPort: 80
                        resources:
                          requests: {cpu: 100m, memory: 64Mi}
                """);
        f.put("shop/crd.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: widgets.%1$s
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size: {type: integer}
                """.formatted(group));
        f.put("shop/widget.yaml", """
                apiVersion: %s/v1
                kind: Widget
                metadata:
                  name: big-widget
                spec:
                  size: 3
                """.formatted(group));
        return f;
    }
}
