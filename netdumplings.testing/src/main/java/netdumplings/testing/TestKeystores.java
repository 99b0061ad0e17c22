package netdumplings.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Keystores for the TLS tests, made by the JDK's own {@code keytool}: no key in the repository. */
public final class TestKeystores {

    private TestKeystores() {
    }

    /**
     * Makes (or replaces) a PKCS#12 keystore holding an EC key and a self-signed
     * certificate for {@code localhost} and {@code 127.0.0.1}, valid for 2 days, under
     * the alias {@code hub}. It serves as the hub's keystore and as the clients' trust store.
     *
     * @param file     where to write it
     * @param password the store's password
     * @return the file, absolute
     * @throws IOException if keytool fails
     */
    public static Path selfSignedLocalhost(Path file, String password) throws IOException, InterruptedException {
        Path keystore = file.toAbsolutePath();
        Files.deleteIfExists(keystore);
        Files.createDirectories(keystore.getParent());
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", password).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IOException("keytool could not make " + keystore + ": " + out.strip());
        }
        return keystore;
    }
}
