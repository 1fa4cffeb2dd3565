#include "joulesweep/coordinator/queue/energy_record.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

#include "sample_energy.hpp"

namespace joulesweep::coordinator {

TEST_CASE("energy_record: totals over the domains, 2-D literals and the provenance",
          "[coordinator][energy]") {
    const common::RunEnergy energy = testing::sample_energy(2);
    const EnergyRecord record = energy_record(energy, 2);
    CHECK(record.gross_j == std::vector<float>{11.0F, 22.0F});
    CHECK(record.net_j == std::vector<float>{5.5F, 11.0F});
    CHECK(record.domain_gross_sql == "{{10,20},{1,2}}");
    CHECK(record.domain_net_sql == "{{5,10},{0.5,1}}");
    CHECK_THAT(record.provenance_json, Catch::Contains(R"("share":[0.25,0.25])"));
    CHECK_THAT(record.provenance_json, Catch::Contains(R"("negative_net_epochs":0)"));

    // Back from the shard's JSON, which has no shares (they are a series there).
    common::RunEnergy read;
    read_provenance(shard_provenance_json(energy), read);
    CHECK(read.attribution == "cpu_time_share");
    CHECK(read.domains == energy.domains);
    CHECK(read.idle_w == energy.idle_w);
    CHECK(read.unit_j == energy.unit_j);
    CHECK(read.wall_source == "ipmi_dcmi");
    CHECK(read.train_rows == 640);
    CHECK(read.wraps == 1);
    CHECK(read.flags == energy.flags);
    CHECK(read.node_type == "Test CPU 9000 (2 CPUs)");
    CHECK(read.share.empty());
}

TEST_CASE("energy_record: a series of the wrong length or bad JSON is an error",
          "[coordinator][energy]") {
    common::RunEnergy energy = testing::sample_energy(3);
    CHECK_THROWS_WITH(energy_record(energy, 4),
                      Catch::Contains("gross_j has 3 values for 4 epochs"));
    energy.share.pop_back();
    CHECK_THROWS_AS(energy_record(energy, 3), common::InternalError);
    common::RunEnergy read;
    CHECK_THROWS_WITH(read_provenance(R"({"attribution": "whole_node"})", read),
                      Catch::Contains("malformed energy provenance"));
}

}  // namespace joulesweep::coordinator
