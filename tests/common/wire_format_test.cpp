#include "joulesweep/common/wire_format.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "joulesweep/common/error.hpp"

namespace joulesweep::common {

TEST_CASE("WireReader: reads back what WireWriter wrote, in order", "[common][protocol]") {
    WireWriter writer;
    writer.put<std::int64_t>(-7);
    writer.put_string("héllo");
    writer.put_array(std::vector<float>{1.5F, -2.0F});
    writer.put_array(std::vector<std::int64_t>{});
    const Bytes bytes = std::move(writer).take();
    WireReader reader(bytes, "test message");
    CHECK(reader.get<std::int64_t>("a") == -7);
    CHECK(reader.get_string("b") == "héllo");
    CHECK(reader.get_array<float>("c") == std::vector<float>{1.5F, -2.0F});
    CHECK(reader.get_array<std::int64_t>("d").empty());
    CHECK_NOTHROW(reader.expect_end());
}

TEST_CASE("WireReader: reading past the end names the message and the field",
          "[common][protocol]") {
    const Bytes bytes(3, std::byte{1});
    WireReader reader(bytes, "progress from rank 2");
    CHECK_THROWS_WITH(reader.get<std::int32_t>("epoch"),
                      "malformed progress from rank 2: epoch needs 4 bytes but only 3 are left");
}

}  // namespace joulesweep::common
