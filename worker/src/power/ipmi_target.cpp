#include "joulesweep/worker/power/ipmi_target.hpp"

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {

std::string IpmiTarget::describe() const {
    return out_of_band() ? fmt::format("{} (IPMI 2.0)", host)
                         : fmt::format("{} (in-band)", device.string());
}

IpmiPrivilege parse_ipmi_privilege(const std::string& text) {
    for (const IpmiPrivilege privilege :
         {IpmiPrivilege::kUser, IpmiPrivilege::kOperator, IpmiPrivilege::kAdmin}) {
        if (text == to_text(privilege)) {
            return privilege;
        }
    }
    throw common::ConfigError(
        fmt::format("unknown IPMI privilege level '{}': use user, operator or admin", text));
}

const char* to_text(IpmiPrivilege privilege) noexcept {
    switch (privilege) {
        case IpmiPrivilege::kOperator:
            return "operator";
        case IpmiPrivilege::kAdmin:
            return "admin";
        case IpmiPrivilege::kUser:
            break;
    }
    return "user";
}

void require_bmc(const IpmiTarget& target) {
    if (!target.out_of_band() && !std::filesystem::exists(target.device)) {
        throw common::PowerError(fmt::format(
            "no BMC to ask: {} does not exist (load the ipmi_si and ipmi_devintf modules) and "
            "no --ipmi-host was given",
            target.device.string()));
    }
}

}  // namespace joulesweep::worker::power
