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

    private GitCredentials(String username, String passwordFile, String passwordEnv, Map<String, String> env,
                           String sshKeyFile, String knownHostsFile) {
        this.username = username;
        this.passwordFile = passwordFile;
        this.passwordEnv = passwordEnv;
        this.env = env;
        this.sshKeyFile = sshKeyFile;
        this.knownHostsFile = knownHostsFile;
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
        return passwordFile != null || passwordEnv != null;
    }

    /** A provider for JGit, or null when there are no credentials. */
    CredentialsProvider provider() throws GitSourceException {
        if (!isPresent()) {
            return null;
        }
        return new UsernamePasswordCredentialsProvider(username, secret().toCharArray());
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
        String https = isPresent() ? username + ", secret from "
                + (passwordFile != null ? "file " + passwordFile : "env " + passwordEnv) : "no password";
        return "GitCredentials[" + https + (sshKeyFile != null ? ", ssh key " + sshKeyFile : "") + "]";
    }
}
