#include "joulesweep/worker/model/backend_choice.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker {
namespace {

NetworkSpec widths(std::vector<int> layers, int inputs = 8) {
    NetworkSpec spec;
    spec.input_width = inputs;
    spec.residual.assign(layers.size(), false);
    spec.widths = std::move(layers);
    return spec;
}

}  // namespace

TEST_CASE("resolve_backend: an explicit backend stays, auto picks by layer and input width",
          "[worker][model]") {
    REQUIRE(backend_available(Backend::kPacked));  // AVX2 and FMA, as on every machine here
    CHECK(backend_available(Backend::kEigen));
    CHECK(resolve_backend(Backend::kEigen, widths({2048, 1}), 256) == Backend::kEigen);
    CHECK(resolve_backend(Backend::kOnednn, widths({4, 1}), 32) == Backend::kOnednn);
    CHECK(resolve_backend(Backend::kPacked, widths({4, 1}), 32) == Backend::kPacked);
    // A layer 64 wide or more: packed, on any input and at any batch size.
    CHECK(resolve_backend(Backend::kAuto, widths({2048, 2048, 10}), 256) == Backend::kPacked);
    CHECK(resolve_backend(Backend::kAuto, widths({2048, 2048, 10}), 32) == Backend::kPacked);
    CHECK(resolve_backend(Backend::kAuto, widths({64, 10}, 784), 32) == Backend::kPacked);
    // Narrower layers: oneDNN on a deep input, else packed from 16 wide, Eigen below.
    CHECK(resolve_backend(Backend::kAuto, widths({32, 32, 10}, 784), 256) == Backend::kOnednn);
    CHECK(resolve_backend(Backend::kAuto, widths({16, 10}, 784), 32) == Backend::kOnednn);
    CHECK(resolve_backend(Backend::kAuto, widths({4, 10}, 256), 32) == Backend::kOnednn);
    CHECK(resolve_backend(Backend::kAuto, widths({32, 32, 10}, 255), 32) == Backend::kPacked);
    CHECK(resolve_backend(Backend::kAuto, widths({16, 16, 1}, 32), 256) == Backend::kPacked);
    CHECK(resolve_backend(Backend::kAuto, widths({8, 8, 10}, 32), 256) == Backend::kEigen);
    CHECK(resolve_backend(Backend::kAuto, widths({4, 1}, 255), 32) == Backend::kEigen);
}

}  // namespace joulesweep::worker
