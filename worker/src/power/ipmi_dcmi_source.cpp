#include "joulesweep/worker/power/ipmi_dcmi_source.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <freeipmi/freeipmi.h>

#include "joulesweep/common/error.hpp"

namespace joulesweep::worker::power {
namespace {

// Cipher suite 3 (HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128): what BMCs and ipmi_sim offer.
constexpr std::uint8_t kCipherSuite = 3;
constexpr double kMillisecondsPerSecond = 1000.0;
constexpr double kStaleAfterS = 3.0;

std::uint8_t privilege_level(IpmiPrivilege privilege) {
    switch (privilege) {
        case IpmiPrivilege::kOperator:
            return IPMI_PRIVILEGE_LEVEL_OPERATOR;
        case IpmiPrivilege::kAdmin:
            return IPMI_PRIVILEGE_LEVEL_ADMIN;
        case IpmiPrivilege::kUser:
            break;
    }
    return IPMI_PRIVILEGE_LEVEL_USER;
}

}  // namespace

struct IpmiDcmiSource::Session {
    ipmi_ctx_t context = nullptr;
    fiid_obj_t response = nullptr;

    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    ~Session() {
        if (response != nullptr) {
            fiid_obj_destroy(response);
        }
        if (context != nullptr) {
            ipmi_ctx_close(context);
            ipmi_ctx_destroy(context);
        }
    }

    std::string error() const { return ipmi_ctx_errormsg(context); }
};

IpmiDcmiSource::IpmiDcmiSource(IpmiTarget target)
    : target_(std::move(target)), session_(std::make_unique<Session>()) {
    require_bmc(target_);
    session_->context = ipmi_ctx_create();
    session_->response = fiid_obj_create(tmpl_cmd_dcmi_get_power_reading_rs);
    if (session_->context == nullptr || session_->response == nullptr) {
        throw common::PowerError("IPMI: cannot allocate a FreeIPMI context");
    }
    int opened = 0;
    if (target_.out_of_band()) {
        opened =
            ipmi_ctx_open_outofband_2_0(session_->context,
                                        target_.host.c_str(),
                                        target_.user.c_str(),
                                        target_.password.c_str(),
                                        nullptr,
                                        0,
                                        privilege_level(target_.privilege),
                                        kCipherSuite,
                                        0,
                                        0,
                                        IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE,
                                        IPMI_FLAGS_DEFAULT);
    } else {
        opened = ipmi_ctx_find_inband(
            session_->context, nullptr, 0, 0, 0, target_.device.c_str(), 0, IPMI_FLAGS_DEFAULT);
        opened = opened == 1 ? 0 : -1;  // 1: found and opened; 0: no in-band driver
    }
    if (opened != 0) {
        throw common::PowerError(fmt::format(
            "IPMI: cannot open a session with {}: {}", target_.describe(), session_->error()));
    }
    last_ = reading();
    timestamp_moved_at_s_ = PowerIntegrator::clock_s();
    integrator_.add(timestamp_moved_at_s_, last_.current_w);
    total_.domain = "node";
}

IpmiDcmiSource::~IpmiDcmiSource() = default;

DcmiPowerReading IpmiDcmiSource::reading() {
    if (ipmi_cmd_dcmi_get_power_reading(session_->context,
                                        IPMI_DCMI_POWER_READING_MODE_SYSTEM_POWER_STATISTICS,
                                        0,
                                        session_->response) < 0) {
        const bool privilege =
            ipmi_ctx_errnum(session_->context) == IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT;
        throw common::PowerError(fmt::format("IPMI: DCMI Get Power Reading from {} failed: {}{}",
                                             target_.describe(),
                                             session_->error(),
                                             privilege
                                                 ? fmt::format(" at {} level (try --ipmi-privilege "
                                                               "operator or admin)",
                                                               to_text(target_.privilege))
                                                 : ""));
    }
    const auto field = [this](const char* name) {
        std::uint64_t value = 0;
        if (fiid_obj_get(session_->response, name, &value) < 0) {
            throw common::PowerError(fmt::format(
                "IPMI: DCMI power reading from {} has no {}", target_.describe(), name));
        }
        return value;
    };
    DcmiPowerReading result;
    result.current_w = static_cast<double>(field("current_power"));
    result.average_w = static_cast<double>(field("average_power_over_sampling_duration"));
    result.timestamp = static_cast<std::uint32_t>(field("time_stamp"));
    result.period_ms = static_cast<std::uint32_t>(field("statistics_reporting_time_period"));
    result.active = field("power_reading_state.power_measurement") != 0;
    return result;
}

std::string IpmiDcmiSource::description() const {
    return fmt::format(
        "IPMI DCMI power reading from {}: the whole node, {:g} W now (BMC period {} ms)",
        target_.describe(),
        last_.current_w,
        last_.period_ms);
}

double IpmiDcmiSource::shortest_useful_period_s() const {
    // The BMC averages over its reporting period; asking more often returns the same value.
    return std::max(1.0, static_cast<double>(last_.period_ms) / kMillisecondsPerSecond);
}

std::vector<DomainEnergy> IpmiDcmiSource::read() {
    try {
        const DcmiPowerReading next = reading();
        const double now = PowerIntegrator::clock_s();
        const double before_j = integrator_.energy_j();
        integrator_.add(now, next.current_w);
        // BMC timestamps count whole seconds: only a timestamp stuck for several
        // reporting periods means the BMC stopped measuring.
        const double stale_after_s = std::max(
            kStaleAfterS, 2.0 * static_cast<double>(next.period_ms) / kMillisecondsPerSecond);
        if (next.timestamp != last_.timestamp) {
            timestamp_moved_at_s_ = now;
        }
        if (!next.active) {
            ++total_.unknown_intervals;
            total_.note = "the BMC reports power measurement inactive";
        } else if (now - timestamp_moved_at_s_ > stale_after_s) {
            ++total_.unknown_intervals;
            total_.note = fmt::format(
                "stale: the BMC's timestamp has not moved for {:.0f} s; power held at {:g} W",
                now - timestamp_moved_at_s_,
                next.current_w);
        }
        total_.energy_j += integrator_.energy_j() - before_j;
        last_ = next;
    } catch (const common::PowerError& error) {
        ++total_.unknown_intervals;
        total_.note = error.what();
    }
    return {total_};
}

}  // namespace joulesweep::worker::power
