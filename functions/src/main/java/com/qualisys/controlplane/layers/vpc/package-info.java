/**
 * The VPC layer: the seed's network, reconciled by the {@link com.qualisys.controlplane.engine.Layer}
 * contract. The first layer, and the pattern the others follow:
 *
 * <ul>
 *   <li>{@link com.qualisys.controlplane.layers.vpc.VpcIds}: the logical ids, a contract with the
 *       layers that refer to this one ({@code ref:vpc/subnet/private-a}).</li>
 *   <li>{@code VpcDesiredState}: spec → desired resources. Pure; tested without AWS.</li>
 *   <li>{@link com.qualisys.controlplane.engine.ManagedKind}, one class per resource kind ({@code Subnets}, {@code NatGateways},
 *       {@code SecurityGroups}, ...): list the live instances with one call, read them into the
 *       shapes of the desired attributes, and create, repair or delete one. Only these talk to AWS.</li>
 *   <li>{@code SecurityGroupRules}, {@code NaclEntries}, {@code Routes}: sub-resources without tags
 *       of their own, as canonical strings on their tagged parent, so that drift reads
 *       "expected [tcp:5432:sg:k8s-nodes], actual [tcp:5432:0.0.0.0/0, tcp:5432:sg:k8s-nodes]" and a
 *       repair touches exactly the difference.</li>
 *   <li>{@link com.qualisys.controlplane.layers.vpc.VpcLayer}: its kinds as a
 *       {@link com.qualisys.controlplane.engine.ManagedKinds} (two-step observe: list every kind and
 *       register its ids, then read attributes with refs), plus preflight and readiness.</li>
 * </ul>
 */
package com.qualisys.controlplane.layers.vpc;
