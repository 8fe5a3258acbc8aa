# Build: docker build -t capstan:0.1.0 .
#
# Where the build images cannot be pulled (an air-gapped builder; the tests' real node), build the jar
# and kustomize first (mvn package; scripts/render-tools) and take them from the build context:
#   cp "$(scripts/render-tools)/kustomize" target/image/kustomize
#   podman build --build-arg JAR_STAGE=prebuilt --build-arg KUSTOMIZE_STAGE=prebuilt \
#     --build-arg JRE_IMAGE=<a JRE 17 image with groupadd/useradd, e.g. Debian's openjdk-17-jre-headless> -t capstan:0.1.0 .
ARG JAR_STAGE=build
ARG KUSTOMIZE_STAGE=kustomize
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

# kustomize, pinned by version and by its module's source hash (the h1: line go.sum and
# sum.golang.org record), so the agent renders kustomizations without kubectl; keep the
# version in step with scripts/render-tools. Helm needs no binary: helm-java runs it in-process.
FROM golang:1.26-bookworm AS kustomize
ARG KUSTOMIZE_VERSION=v5.8.1
ARG KUSTOMIZE_H1=h1:Pgsg5psubpVEy7Nf6S89PARg5VmmWUC1l9dC6Dl4PG0=
RUN CGO_ENABLED=0 GOBIN=/out go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" \
 && go version -m /out/kustomize | grep -E "^\s+mod\s+sigs.k8s.io/kustomize/kustomize/v5\s+${KUSTOMIZE_VERSION}\s+${KUSTOMIZE_H1}$" \
 && /out/kustomize version

# the jar and kustomize built beforehand, from the build context (see the top)
FROM scratch AS prebuilt
COPY target/capstan.jar /src/target/capstan.jar
COPY target/image/kustomize /out/kustomize

FROM ${JAR_STAGE} AS jar
FROM ${KUSTOMIZE_STAGE} AS kustomize-binary

FROM ${JRE_IMAGE}
RUN groupadd --system --gid 10001 capstan \
 && useradd --system --uid 10001 --gid capstan --home-dir /nonexistent --shell /usr/sbin/nologin capstan \
 && mkdir -p /var/cache/capstan && chown capstan:capstan /var/cache/capstan
COPY --from=jar /src/target/capstan.jar /opt/capstan/capstan.jar
COPY --from=kustomize-binary /out/kustomize /usr/local/bin/kustomize
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/capstan/capstan.jar"]
CMD ["run", "--config", "/etc/capstan/capstan.yaml"]
