#pragma once
// Which BMC to ask for the node's power: this node's own through the in-band device
// (/dev/ipmi0, root only), or one over the network with IPMI 2.0 (lanplus). Tests point
// it at an ipmi_sim on 127.0.0.1.

#include <filesystem>
#include <string>

namespace joulesweep::worker::power {

enum class IpmiPrivilege { kUser, kOperator, kAdmin };

struct IpmiTarget {
    std::string host;  // "" for in-band; "name", "name:port" or "address:port" out-of-band
    std::string user;
    std::string password;  // never from a command line: read from a file by the caller
    // Some BMCs answer DCMI only above user level; least privilege by default.
    IpmiPrivilege privilege = IpmiPrivilege::kUser;
    std::filesystem::path device = "/dev/ipmi0";  // checked before an in-band attempt
    std::string sensor;  // the power sensor's name in the SDR; "" for the first in watts
    std::filesystem::path sdr_cache;  // where the SDR is cached; "" for a default under /tmp

    bool out_of_band() const noexcept { return !host.empty(); }

    // "127.0.0.1:9623 (IPMI 2.0)", or "/dev/ipmi0 (in-band)".
    std::string describe() const;
};

// "user", "operator", "admin"; throws ConfigError for anything else.
IpmiPrivilege parse_ipmi_privilege(const std::string& text);
const char* to_text(IpmiPrivilege privilege) noexcept;

// Throws PowerError when there is no BMC to ask: no host given and no in-band device.
void require_bmc(const IpmiTarget& target);

}  // namespace joulesweep::worker::power
