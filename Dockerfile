# Build: docker build -t capstan:0.1.0 .
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

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 capstan \
 && useradd --system --uid 10001 --gid capstan --home-dir /nonexistent --shell /usr/sbin/nologin capstan \
 && mkdir -p /var/cache/capstan && chown capstan:capstan /var/cache/capstan
COPY --from=build /src/target/capstan.jar /opt/capstan/capstan.jar
COPY --from=kustomize /out/kustomize /usr/local/bin/kustomize
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/capstan/capstan.jar"]
CMD ["run", "--config", "/etc/capstan/capstan.yaml"]
