# Build: docker build -t capstan:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 capstan \
 && useradd --system --uid 10001 --gid capstan --home-dir /nonexistent --shell /usr/sbin/nologin capstan \
 && mkdir -p /var/cache/capstan && chown capstan:capstan /var/cache/capstan
COPY --from=build /src/target/capstan.jar /opt/capstan/capstan.jar
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/capstan/capstan.jar"]
CMD ["run", "--config", "/etc/capstan/capstan.yaml"]
