package com.qualisys.cli.aws;

import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The newest report of an environment in the control plane's report bucket, where the Report
 * function stores it: {@code reports/<env>/latest.json} and {@code latest.md}.
 */
public final class LatestReport {
    private final S3Client s3;
    private final String bucket;

    public LatestReport(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public static String key(String environment, String extension) {
        return "reports/" + environment + "/latest." + extension;
    }

    public String location(String environment, String extension) {
        return "s3://" + bucket + "/" + key(environment, extension);
    }

    public Optional<String> json(String environment) {
        return read(key(environment, "json"));
    }

    public Optional<String> markdown(String environment) {
        return read(key(environment, "md"));
    }

    private Optional<String> read(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("the report bucket " + bucket + " does not exist in "
                    + s3.serviceClientConfiguration().region() + ": deploy the control plane (infra-cdk, docs/deploy.md)");
        }
    }
}
