package dev.capstan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The import rules of DESIGN.md, checked on the compiled classes so that breaking one
 * fails the build: pure packages stay free of the Kubernetes client, the engine knows
 * nothing of HTTP, scheduling or the agent that wires it, HTTP sees only a status view,
 * and no two packages depend on each other.
 */
class ArchitectureTest {

    private static final String CLIENT = "io.fabric8.kubernetes.client..";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.capstan");

    @Test
    void planRenderAndHealthChecksImportNoKubernetesClient() {
        noClasses().that().resideInAnyPackage("dev.capstan.plan..", "dev.capstan.render..", "dev.capstan.yaml..")
                .should().dependOnClassesThat().resideInAPackage(CLIENT)
                .because("planning and rendering are pure functions over data, tested without a cluster")
                .check(MAIN);
        noClasses().that().resideInAPackage("dev.capstan.health..").and().doNotHaveSimpleName("RolloutWaiter")
                .should().dependOnClassesThat().resideInAPackage(CLIENT)
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.capstan.apply..", "dev.capstan.cluster..")
                .because("assessing health never depends on mutating code or on the API server; only RolloutWaiter reads the cache")
                .check(MAIN);
    }

    @Test
    void onlyTheRenderToolsRunProcessesOrTouchTheFileSystem() {
        noClasses().that().resideInAPackage("dev.capstan.render").or().resideInAnyPackage("dev.capstan.plan..", "dev.capstan.yaml..")
                .should().dependOnClassesThat().resideInAPackage("com.marcnuri..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .because("rendering decisions (which renderer, what is refused, what is cached) are pure and tested without "
                        + "tools; kustomize subprocesses, Helm and the private copies live in render.tool")
                .check(MAIN);
    }

    @Test
    void engineKnowsNoHttpNoAgentAndNoClusterCode() {
        noClasses().that().resideInAPackage("dev.capstan.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.capstan.http..", "dev.capstan.agent..", "dev.capstan.cli..",
                        "dev.capstan.cluster..", "io.javalin..", CLIENT)
                .orShould().dependOnClassesThat().haveSimpleName("Applier")
                .orShould().dependOnClassesThat().haveSimpleName("Pruner")
                .orShould().dependOnClassesThat().haveSimpleName("InventoryStore")
                .because("the engine is the pipeline alone: it talks to narrow ports, and is tested with in-memory fakes")
                .check(MAIN);
    }

    @Test
    void httpSeesOnlyAStatusView() {
        noClasses().that().resideInAPackage("dev.capstan.http..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.capstan.agent..", "dev.capstan.engine..",
                        "dev.capstan.apply..", "dev.capstan.cluster..")
                .because("the HTTP layer is a thin adapter over ApplicationView")
                .check(MAIN);
    }

    @Test
    void theApplicationApiKnowsNoAgentEngineOrHttp() {
        noClasses().that().resideInAPackage("dev.capstan.resource..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.capstan.agent..", "dev.capstan.engine..",
                        "dev.capstan.http..")
                .because("Applications in, status out: the agent decides what they mean")
                .check(MAIN);
    }

    @Test
    void shardingKnowsNoAgentEngineOrHttp() {
        noClasses().that().resideInAPackage("dev.capstan.shard..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.capstan.agent..", "dev.capstan.engine..",
                        "dev.capstan.http..")
                .because("who runs which app is decided apart from how an app is run")
                .check(MAIN);
    }

    @Test
    void oneWriterOfApplicationStatus() {
        noClasses().that().doNotHaveSimpleName("ResourceStatus")
                .should().callMethod(dev.capstan.resource.ApplicationStatusWriter.class, "write",
                        dev.capstan.resource.ApplicationRef.class, java.util.Map.class)
                .because("status has one writer: ResourceStatus, fed by the StatusRecorder, so status, Events and metrics agree")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.capstan.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
