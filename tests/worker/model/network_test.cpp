#include "joulesweep/worker/model/network.hpp"

#include <catch2/catch.hpp>

namespace joulesweep::worker {

TEST_CASE("operations_per_epoch: BUTTER-E's count with exact rows", "[worker][network]") {
    NetworkSpec spec;
    spec.input_width = 2;
    spec.widths = {3, 1};
    spec.parameter_count = (2 + 1) * 3 + (3 + 1) * 1;  // 13
    // Per row: forward 2·3 + 3 + 3·1 + 1 = 13; backward (2·3 + 2·3) + (2·1 + 3·1 + 3·1) = 20.
    // 10 training rows in 3 batches of up to 4: 10·33 + 13·(3 + 10); 5 evaluated rows: 5·13.
    CHECK(operations_per_epoch(spec, 10, 5, 4) == 10.0 * 33 + 13.0 * (3 + 10) + 5.0 * 13);
    CHECK(operations_per_epoch(spec, 0, 0, 4) == 0.0);
}

}  // namespace joulesweep::worker
