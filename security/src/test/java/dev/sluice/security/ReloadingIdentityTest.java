package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingIdentityTest {
    private static final TestCertificates.Authority CA = TestCertificates.authority("test-ca");

    @TempDir
    Path dir;

    @Test
    void newFilesAreUsedOnceACheckIsDueAndAnAliasKeepsItsPair() {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.Issued first = CA.issue("CN=first", "localhost");
        first.write(cert, key);
        MutableClock clock = new MutableClock(1_000);
        ReloadingIdentity manager = new ReloadingIdentity(cert, key, clock, 500);
        String firstAlias = manager.chooseEngineServerAlias("EC", null, null);
        assertThat(manager.certificate()).isEqualTo(first.certificate());

        TestCertificates.Issued second = CA.issue("CN=second", "localhost");
        second.write(cert, key);
        clock.advanceMs(499);
        assertThat(manager.certificate()).as("not checked before the interval").isEqualTo(first.certificate());
        clock.advanceMs(1);
        assertThat(manager.certificate()).isEqualTo(second.certificate());
        String secondAlias = manager.chooseEngineServerAlias("EC", null, null);
        assertThat(secondAlias).isNotEqualTo(firstAlias);
        assertThat(manager.getCertificateChain(secondAlias)).containsExactly(second.certificate());
        assertThat(manager.getPrivateKey(secondAlias)).isEqualTo(second.key());
        // A handshake that chose its alias before the reload still gets that alias's pair.
        assertThat(manager.getCertificateChain(firstAlias)).containsExactly(first.certificate());
        assertThat(manager.getPrivateKey(firstAlias)).isEqualTo(first.key());
        assertThat(manager.chooseEngineServerAlias("RSA", null, null)).as("an EC key serves no RSA suite").isNull();
    }

    @Test
    void aHalfRotatedPairKeepsThePreviousOneUntilTheKeyFollows() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.Issued first = CA.issue("CN=first");
        first.write(cert, key);
        MutableClock clock = new MutableClock(0);
        ReloadingIdentity manager = new ReloadingIdentity(cert, key, clock, 100);

        TestCertificates.Issued second = CA.issue("CN=second");
        Path otherKey = dir.resolve("other-key.pem");
        second.write(cert, otherKey);  // the new certificate, the old key still in place
        clock.advanceMs(100);
        assertThat(manager.certificate()).isEqualTo(first.certificate());
        assertThat(manager.getPrivateKey(manager.chooseEngineClientAlias(null, null, null))).isEqualTo(first.key());

        Files.move(otherKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        clock.advanceMs(100);
        assertThat(manager.certificate()).isEqualTo(second.certificate());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStart() {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CA.issue("CN=a").write(cert, dir.resolve("unused.pem"));
        CA.issue("CN=b").write(dir.resolve("unused-cert.pem"), key);
        assertThatThrownBy(() -> new ReloadingIdentity(cert, key, new MutableClock(0), 100))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void trustManagerReloadsItsBundle() throws Exception {
        Path bundle = CA.writeCertificate(dir.resolve("ca.pem"));
        MutableClock clock = new MutableClock(0);
        ReloadingTrust trust = new ReloadingTrust(bundle, clock, 100);
        TestCertificates.Authority other = TestCertificates.authority("other-ca");
        X509Certificate fromOther = other.issue("CN=x").certificate();
        assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[] {fromOther}, "EC"))
                .isInstanceOf(java.security.cert.CertificateException.class);
        Files.writeString(bundle, Files.readString(bundle) + TestCertificates.pem("CERTIFICATE",
                other.certificate().getEncoded()));
        clock.advanceMs(100);
        trust.checkClientTrusted(new X509Certificate[] {fromOther}, "EC");
        trust.checkClientTrusted(new X509Certificate[] {CA.issue("CN=y").certificate()}, "EC");
    }
}
