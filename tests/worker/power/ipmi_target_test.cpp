#include "joulesweep/worker/power/ipmi_target.hpp"

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {

TEST_CASE("IpmiTarget: privileges, descriptions and the check for a BMC", "[worker][power]") {
    CHECK(parse_ipmi_privilege("operator") == IpmiPrivilege::kOperator);
    CHECK(to_text(parse_ipmi_privilege("admin")) == std::string("admin"));
    CHECK_THROWS_AS(parse_ipmi_privilege("root"), common::ConfigError);

    IpmiTarget target;
    target.device = "/nonexistent/ipmi0";
    CHECK_FALSE(target.out_of_band());
    CHECK(target.describe() == "/nonexistent/ipmi0 (in-band)");
    CHECK_THROWS_WITH(require_bmc(target), Catch::Contains("no BMC to ask"));
    target.host = "bmc17:623";
    CHECK(target.describe() == "bmc17:623 (IPMI 2.0)");
    CHECK_NOTHROW(require_bmc(target));  // whether it answers is the readers' business
}

}  // namespace joulesweep::worker::power
