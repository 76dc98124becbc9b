package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsAChainAndAKey() {
        TestCertificates.Authority ca = TestCertificates.authority("ca");
        TestCertificates.Issued issued = ca.issue("CN=n", "127.0.0.1");
        issued.write(dir.resolve("c.pem"), dir.resolve("k.pem"));
        assertThat(PemFiles.readCertificates(dir.resolve("c.pem"))).containsExactly(issued.certificate());
        assertThat(PemFiles.readPrivateKey(dir.resolve("k.pem"))).isEqualTo(issued.key());
    }

    @Test
    void badFilesAreTypedErrorsNamingTheFileNotTheirContents() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> PemFiles.readCertificates(missing)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("missing.pem: cannot be read");
        Path text = Files.writeString(dir.resolve("text.pem"), "hello");
        assertThatThrownBy(() -> PemFiles.readCertificates(text)).hasMessageContaining("no '-----BEGIN CERTIFICATE");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(text)).hasMessageContaining("no '-----BEGIN PRIVATE KEY");
        Path rsa = Files.writeString(dir.resolve("rsa.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(rsa)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt").hasMessageNotContaining("c2VjcmV0");
        Path garbage = Files.writeString(dir.resolve("g.pem"),
                "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(garbage)).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("not RSA, EC or Ed25519").hasMessageNotContaining("c2VjcmV0");
    }
}
