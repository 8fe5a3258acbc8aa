package dev.capstan.bench;

import dev.capstan.testkit.GitDaemonServer;
import dev.capstan.testkit.GitRemote;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Many apps from a few monorepos, as the scale benchmarks need them: {@code apps} apps,
 * {@code perRepo} to a repository served over git:// on 127.0.0.1, each app a directory
 * {@code apps/appN} of {@code objects} files and a namespace of its own, and the
 * {@code applications:} entries of a config for them.
 */
final class Monorepos implements AutoCloseable {

    final List<GitRemote> remotes = new ArrayList<>();
    final List<GitDaemonServer> daemons = new ArrayList<>();
    /** A short id of this run, in namespace names, so runs on one control plane do not collide. */
    final String run = Long.toString(System.currentTimeMillis() % 100000, 36);
    private final String namespacePrefix;
    private final String appsYaml;

    /**
     * @param file file name (without {@code .yaml}) and manifest of the app's object number o
     * @param sync the body of each app's {@code sync:} map
     */
    Monorepos(KubernetesClient client, Path tmp, String namespacePrefix, int apps, int perRepo, int objects,
              IntFunction<Map.Entry<String, String>> file, String sync) {
        this.namespacePrefix = namespacePrefix;
        StringBuilder yaml = new StringBuilder();
        for (int r = 0; r * perRepo < apps; r++) {
            GitRemote remote = GitRemote.create(tmp.resolve("repo" + r));
            Map<String, String> files = new HashMap<>();
            for (int a = r * perRepo; a < Math.min(apps, (r + 1) * perRepo); a++) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace(a)).endMetadata().build())
                        .create();
                for (int o = 0; o < objects; o++) {
                    Map.Entry<String, String> f = file.apply(o);
                    files.put("apps/app" + a + "/" + f.getKey() + ".yaml", f.getValue());
                }
                yaml.append("  - name: app").append(a).append("\n    repo: {url: \"REPO").append(r).append("\", ref: main, path: apps/app")
                        .append(a).append("}\n    destination: {namespace: ").append(namespace(a)).append("}\n    sync: {")
                        .append(sync).append("}\n");
            }
            remote.commit("apps", files);
            remotes.add(remote);
            daemons.add(new GitDaemonServer(remote.bareDir()));
        }
        String withUrls = yaml.toString();
        for (int r = 0; r < daemons.size(); r++) {
            withUrls = withUrls.replace("\"REPO" + r + "\"", "\"" + daemons.get(r).url() + "\"");
        }
        this.appsYaml = withUrls;
    }

    String namespace(int app) {
        return namespacePrefix + "-" + run + "-" + app;
    }

    /** The {@code applications:} list items, two-space indented. */
    String appsYaml() {
        return appsYaml;
    }

    @Override
    public void close() {
        daemons.forEach(GitDaemonServer::close);
        remotes.forEach(GitRemote::close);
    }
}
