package dev.capstan.source;

import dev.capstan.config.Secrets;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for a repository: for HTTPS a user name and a password or token, read from
 * a file (a mounted Kubernetes Secret) or an environment variable at each use, so a
 * rotated token is picked up without a restart; for SSH a private key file and a
 * known_hosts file (host keys are always checked). Secrets are never part of
 * {@link #toString()} or of any message.
 */
public final class GitCredentials {

    private final String username;
    private final String passwordFile;
    private final String passwordEnv;
    private final Map<String, String> env;
    private final String sshKeyFile;
    private final String knownHostsFile;
    private final SecretSource secretSource;
    private final String secretName;

    /** A Kubernetes Secret's data, read at each use. */
    @FunctionalInterface
    public interface SecretSource {
        /** @throws GitSourceException naming the Secret and the fix when it cannot be read */
        Map<String, String> read() throws GitSourceException;
    }

    private GitCredentials(String username, String passwordFile, String passwordEnv, Map<String, String> env,
                           String sshKeyFile, String knownHostsFile) {
        this.username = username;
        this.passwordFile = passwordFile;
        this.passwordEnv = passwordEnv;
        this.env = env;
        this.sshKeyFile = sshKeyFile;
        this.knownHostsFile = knownHostsFile;
        this.secretSource = null;
        this.secretName = null;
    }

    private GitCredentials(SecretSource source, String secretName, java.nio.file.Path dir) {
        this.username = null;
        this.passwordFile = null;
        this.passwordEnv = null;
        this.env = Map.of();
        this.sshKeyFile = dir.resolve("identity").toString();
        this.knownHostsFile = dir.resolve("known_hosts").toString();
        this.secretSource = source;
        this.secretName = secretName;
    }

    /**
     * Credentials from a Secret ({@code spec.repo.secretRef} of an Application), read before
     * each fetch so a rotated Secret applies at once: {@code username} and {@code password} for
     * HTTPS, or {@code sshPrivateKey} and {@code knownHosts} for SSH, written to owner-only
     * files in {@code dir} for the SSH client.
     */
    public static GitCredentials fromSecret(SecretSource source, String secretName, java.nio.file.Path dir) {
        return new GitCredentials(source, secretName, dir);
    }

    /**
     * Which credentials these are, never what: apps share an ls-remote answer only when this
     * and the URL are equal, so no app learns refs through another's credentials.
     */
    public String identity() {
        if (secretSource != null) {
            return "secret:" + secretName;
        }
        return "user:" + username + "|file:" + passwordFile + "|env:" + passwordEnv + "|key:" + sshKeyFile + "|hosts:" + knownHostsFile;
    }

    public static GitCredentials none() {
        return new GitCredentials(null, null, null, Map.of(), null, null);
    }

    /** Username plus a password or token read from {@code passwordFile} or {@code passwordEnv} (one of them). */
    public static GitCredentials of(String username, String passwordFile, String passwordEnv, Map<String, String> env) {
        return new GitCredentials(username == null || username.isEmpty() ? "git" : username, passwordFile, passwordEnv, env,
                null, null);
    }

    /**
     * The one way credentials are built, from the agent's {@code repo.auth} and from the
     * CLI's flags alike: HTTPS when a password file or variable is given, SSH key and
     * known_hosts when given (null for each: the defaults).
     */
    public static GitCredentials from(String username, String passwordFile, String passwordEnv, String sshKeyFile,
                                      String knownHostsFile, Map<String, String> env) {
        GitCredentials https = passwordFile != null || passwordEnv != null ? of(username, passwordFile, passwordEnv, env) : none();
        return https.withSsh(sshKeyFile, knownHostsFile);
    }

    /** The same credentials plus an SSH private key and the known_hosts file that vouches for the server (either may be null). */
    public GitCredentials withSsh(String keyFile, String knownHosts) {
        return new GitCredentials(username, passwordFile, passwordEnv, env, keyFile, knownHosts);
    }

    /** Private key file for ssh:// URLs, or null for the SSH defaults (~/.ssh). */
    public String sshKeyFile() {
        return sshKeyFile;
    }

    /** known_hosts file for ssh:// URLs, or null for ~/.ssh/known_hosts. */
    public String knownHostsFile() {
        return knownHostsFile;
    }

    public boolean isPresent() {
        return passwordFile != null || passwordEnv != null || secretSource != null;
    }

    /** A provider for JGit, or null when there are no credentials. */
    CredentialsProvider provider() throws GitSourceException {
        if (secretSource != null) {
            return fromSecret();
        }
        if (!isPresent()) {
            return null;
        }
        return new UsernamePasswordCredentialsProvider(username, secret().toCharArray());
    }

    private CredentialsProvider fromSecret() throws GitSourceException {
        Map<String, String> data = secretSource.read();
        if (data.containsKey("sshPrivateKey")) {
            try {
                writeOwnerOnly(java.nio.file.Path.of(sshKeyFile), data.get("sshPrivateKey"));
                writeOwnerOnly(java.nio.file.Path.of(knownHostsFile), data.getOrDefault("knownHosts", ""));
            } catch (IOException e) {
                throw new GitSourceException("cannot write the SSH key from the Secret: " + e.getClass().getSimpleName());
            }
            return null;
        }
        if (!data.containsKey("password")) {
            throw new GitSourceException("the Secret in spec.repo.secretRef has neither password (with username) "
                    + "nor sshPrivateKey (with knownHosts); add those keys");
        }
        String user = data.getOrDefault("username", "");
        return new UsernamePasswordCredentialsProvider(user.isEmpty() ? "git" : user, data.get("password").toCharArray());
    }

    private static void writeOwnerOnly(java.nio.file.Path file, String content) throws IOException {
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.deleteIfExists(tmp);
        java.nio.file.Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(tmp, content.endsWith("\n") ? content : content + "\n");
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private String secret() throws GitSourceException {
        try {
            return Secrets.read(passwordFile, passwordEnv, env).orElseThrow(() -> new GitSourceException(
                    "environment variable " + passwordEnv + " (repo.auth.passwordEnv) is not set"));
        } catch (IOException e) {
            throw new GitSourceException("cannot read the Git password file " + passwordFile + ": "
                    + e.getClass().getSimpleName() + "; check repo.auth.passwordFile and the mounted Secret");
        }
    }

    @Override
    public String toString() {
        if (secretSource != null) {
            return "GitCredentials[from a Secret]";
        }
        String https = isPresent() ? username + ", secret from "
                + (passwordFile != null ? "file " + passwordFile : "env " + passwordEnv) : "no password";
        return "GitCredentials[" + https + (sshKeyFile != null ? ", ssh key " + sshKeyFile : "") + "]";
    }
}
