package dev.multimodal.usermanagement.it;

import java.util.List;

/**
 * {@link ClusterTests} on three nodes: a long run, only with {@code mvn verify -Pcluster-3} (or
 * {@code -Dit.test=ThreeNodeClusterIT}); see docs/operations.md.
 */
class ThreeNodeClusterIT extends ClusterTests {

    @Override
    List<String> moreNodes() {
        return List.of("node-b", "node-c");
    }
}
