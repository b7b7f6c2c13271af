package dev.multimodal.usermanagement.it;

import java.util.List;

/** {@link ClusterTests} on two nodes: part of every {@code mvn verify}. */
class TwoNodeClusterIT extends ClusterTests {

    @Override
    List<String> moreNodes() {
        return List.of("node-b");
    }
}
