package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LambdaPackageTest {

    private static Path zipWith(Path dir, int... entrySizes) throws Exception {
        Path zip = dir.resolve("functions-lambda.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < entrySizes.length; i++) {
                out.putNextEntry(new ZipEntry("lib/dep-" + i + ".jar"));
                out.write(new byte[entrySizes[i]]);
                out.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void aPackageThatUnpacksOverTheLimitIsRefusedWithItsSize(@TempDir Path dir) throws Exception {
        Path zip = zipWith(dir, 600, 500);
        assertThatThrownBy(() -> LambdaPackage.check(List.of(zip), 1_000))
                .hasMessageContaining("functions-lambda.zip] unpack to 1100 bytes; Lambda accepts at most 1000")
                .hasMessageContaining("lib/");
    }

    @Test
    void aPackageWithinTheLimitAndAFolderPass(@TempDir Path dir) throws Exception {
        Path zip = zipWith(dir, 400, 600);
        assertThatCode(() -> LambdaPackage.check(List.of(zip), 1_000)).doesNotThrowAnyException();
        assertThatCode(() -> LambdaPackage.check(List.of(TestStacks.CODE_STUB), 1)).doesNotThrowAnyException();
    }

    @Test
    void theLayersCountTowardsTheLimitWithTheCode(@TempDir Path dir) throws Exception {
        Path code = zipWith(Files.createDirectory(dir.resolve("code")), 600);
        Path layer = zipWith(Files.createDirectory(dir.resolve("layer")), 500);
        assertThatThrownBy(() -> LambdaPackage.check(List.of(code, layer), 1_000)).hasMessageContaining("unpack to 1100 bytes");
    }

    @Test
    void somethingThatIsNotAZipIsRefused(@TempDir Path dir) throws Exception {
        Path notZip = Files.writeString(dir.resolve("functions-lambda.zip"), "stand-in");
        assertThatThrownBy(() -> LambdaPackage.check(List.of(notZip), 1_000)).hasMessageContaining("is not a readable zip");
    }
}
