package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.PreflightException;
import com.qualisys.controlplane.layers.support.Versions;
import com.qualisys.controlplane.spec.RdsSpec;
import java.util.List;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;

/**
 * Before any mutating call: the spec's engine version must be one RDS still offers
 * (DescribeDBEngineVersions lists only available versions unless asked for all), and its
 * parameter group family must be the spec's. The seed's 15.4 is kept as the baseline; once AWS
 * stops offering it this stops the run and names the nearest version it does offer.
 */
final class RdsPreflight {
    private RdsPreflight() {}

    static void check(LayerContext ctx) {
        RdsSpec rds = ctx.spec().rds();
        List<DBEngineVersion> exact = ctx.aws().rds().describeDBEngineVersionsPaginator(r -> r.engine(rds.engine())
                .engineVersion(rds.engineVersion())).dbEngineVersions().stream().toList();
        if (exact.isEmpty()) {
            List<String> offered = ctx.aws().rds().describeDBEngineVersionsPaginator(r -> r.engine(rds.engine()))
                    .dbEngineVersions().stream().map(DBEngineVersion::engineVersion).toList();
            String nearest = Versions.nearest(rds.engineVersion(), offered).orElse("none");
            List<String> sameMajor = Versions.sorted(offered.stream()
                    .filter(v -> Versions.major(v).equals(Versions.major(rds.engineVersion()))).toList());
            throw new PreflightException("rds.engineVersion " + rds.engineVersion() + ": Amazon RDS in " + ctx.aws().region()
                    + " no longer offers " + rds.engine() + " " + rds.engineVersion()
                    + " (DescribeDBEngineVersions); the nearest version it offers is " + nearest
                    + (sameMajor.isEmpty() ? "" : " (" + rds.engine() + " " + Versions.major(rds.engineVersion()) + " offered: "
                    + String.join(", ", sameMajor) + ")")
                    + ". Set rds.engineVersion in environments/ to a version AWS offers; nothing was changed.");
        }
        String family = exact.get(0).dbParameterGroupFamily();
        if (family != null && !family.equals(rds.parameterGroup().family())) {
            throw new PreflightException("rds.parameterGroup.family " + rds.parameterGroup().family() + " does not match "
                    + rds.engine() + " " + rds.engineVersion() + ", whose family is " + family + "; nothing was changed.");
        }
    }
}
