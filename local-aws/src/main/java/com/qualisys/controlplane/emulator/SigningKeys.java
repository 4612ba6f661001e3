package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret access key behind each access key id the local AWS has issued, so a signature can be
 * checked as AWS checks it (moto checks none): learnt from the STS and IAM answers that carry new
 * credentials (AssumeRole and its web-identity/SAML forms, GetSessionToken, GetFederationToken,
 * CreateAccessKey) as they pass the front door, plus the emulator's own test key. Held in memory only;
 * {@link #reset()} forgets what moto forgets.
 */
public final class SigningKeys implements AwsApiFrontDoor.Responder {
    /** The key pair {@link AwsApiFrontDoor#clients} sign with (moto's conventional test credentials). */
    public static final String EMULATOR_KEY_ID = "testing";
    private static final Set<String> ISSUING = Set.of("AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML",
            "GetSessionToken", "GetFederationToken", "CreateAccessKey");
    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");
    private static final Pattern KEY_ID = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");
    private static final Pattern SECRET = Pattern.compile("<SecretAccessKey>([^<]+)</SecretAccessKey>");

    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    public SigningKeys() {
        reset();
    }

    /** The secret of an access key id this local AWS issued, if any. */
    public Optional<String> secretOf(String accessKeyId) {
        return Optional.ofNullable(secrets.get(accessKeyId));
    }

    public void reset() {
        secrets.clear();
        secrets.put(EMULATOR_KEY_ID, EMULATOR_KEY_ID);
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request, Upstream emulator) {
        String service = request.service();
        if (!(service.equals("sts") || service.equals("iam")) || !"POST".equals(request.method())) return Optional.empty();
        Matcher action = ACTION.matcher(request.bodyText());
        if (!action.find() || !ISSUING.contains(action.group(1))) return Optional.empty();
        StubResponse answer = emulator.forward(request);
        if (answer.status() == 200) {
            String body = answer.bodyText();
            Matcher id = KEY_ID.matcher(body);
            Matcher secret = SECRET.matcher(body);
            if (id.find() && secret.find()) secrets.put(id.group(1), secret.group(1));
        }
        return Optional.of(answer);
    }
}
