package dev.sluice.cli;

import dev.sluice.cli.tls.CertificateAuthority;
import dev.sluice.cli.tls.IssuedCertificate;
import dev.sluice.security.PemFiles;
import dev.sluice.security.TlsConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice cert ca|issue}: a certificate authority and the node and client certificates of docs/security.md,
 * made without openssl, as PEM files the nodes and clients read ({@link CertificateAuthority}). Keys are written
 * readable by their owner only; nothing is overwritten without {@code --force}.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Make a certificate authority and certificates for TLS (PEM files).",
        subcommands = {CertCommand.CaCommand.class, CertCommand.IssueCommand.class})
public final class CertCommand implements Runnable {
    static final String CA_FILE = "ca.pem";
    static final String CA_KEY_FILE = "ca-key.pem";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: ca or issue");
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = "Make a self-signed certificate authority: <dir>/ca.pem and <dir>/ca-key.pem.")
    static final class CaCommand implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Directory for the files (created if missing).")
        Path dir;
        @Option(names = "--subject", defaultValue = "CN=Sluice CA",
                description = "Distinguished name of the CA (default: ${DEFAULT-VALUE}).")
        String subject;
        @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;
        @Option(names = "--force", description = "Replace existing files.")
        boolean force;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            CertificateAuthority ca = CertificateAuthority.create(subject, Duration.ofDays(days), Clock.systemUTC(),
                    new SecureRandom());
            write(dir, CA_FILE, CA_KEY_FILE, ca.certificate(), force);
            spec.commandLine().getOut().println("wrote " + dir.resolve(CA_FILE) + " (trust this) and "
                    + dir.resolve(CA_KEY_FILE)
                    + " (keep it secret: it signs certificates)");
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a certificate signed by the CA in --ca-dir: <name>.pem and <name>-key.pem.")
    static final class IssueCommand implements Callable<Integer> {
        @Option(names = "--ca-dir", required = true, description = "Directory of ca.pem and ca-key.pem.")
        Path caDir;
        @Option(names = "--name", required = true, description = "File name stem, e.g. node-1 or orders.")
        String name;
        @Option(names = "--subject", description = "Distinguished name (default: CN=<name>,O=Sluice).")
        String subject;
        @Option(names = "--host", split = ",",
                description = "Host names or IP addresses clients connect to (a node's certificate needs them).")
        List<String> hosts = List.of();
        @Option(names = "--client", description = "A client certificate only (no server use; hosts not needed).")
        boolean clientOnly;
        @Option(names = "--dir", description = "Directory for the files (default: --ca-dir).")
        Path dir;
        @Option(names = "--days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;
        @Option(names = "--force", description = "Replace existing files.")
        boolean force;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new ParameterException(spec.commandLine(), "--name must be a plain file name stem "
                        + "(letters, digits, '.', '_', '-'), got '" + name + "'");
            }
            if (!clientOnly && hosts.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "a node certificate needs --host (the names or "
                        + "addresses clients and other nodes connect to); use --client for a client certificate");
            }
            CertificateAuthority ca;
            try {
                ca = new CertificateAuthority(new IssuedCertificate(
                        PemFiles.readCertificates(caDir.resolve(CA_FILE)).get(0),
                        PemFiles.readPrivateKey(caDir.resolve(CA_KEY_FILE))), Clock.systemUTC(), new SecureRandom());
            } catch (TlsConfigException e) {
                throw new ParameterException(spec.commandLine(), "cannot read the CA in " + caDir + ": "
                        + e.getMessage() + " (make one with 'sluice cert ca --dir " + caDir + "')");
            }
            IssuedCertificate issued;
            try {
                issued = ca.issue(subject != null ? subject : "CN=" + name + ",O=Sluice", hosts, !clientOnly,
                        Duration.ofDays(days));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Path target = dir != null ? dir : caDir;
            write(target, name + ".pem", name + "-key.pem", issued, force);
            spec.commandLine().getOut().println("wrote " + target.resolve(name + ".pem") + " and "
                    + target.resolve(name + "-key.pem")
                    + " (" + issued.certificate().getSubjectX500Principal().getName() + ", valid until "
                    + issued.certificate().getNotAfter().toInstant() + ")");
            return 0;
        }
    }

    /** Writes the certificate and the key (owner-only) atomically; refuses to replace files unless forced. */
    private static void write(Path dir, String certName, String keyName, IssuedCertificate issued, boolean force)
            throws IOException {
        Files.createDirectories(dir);
        Path certFile = dir.resolve(certName);
        Path keyFile = dir.resolve(keyName);
        for (Path file : List.of(certFile, keyFile)) {
            if (!force && Files.exists(file)) {
                throw new FileAlreadyExistsException(file + " exists; pass --force to replace it");
            }
        }
        writeAtomically(keyFile, issued.keyPem(), true);
        writeAtomically(certFile, issued.certificatePem(), false);
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the directory's own protection applies.
                }
            }
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
