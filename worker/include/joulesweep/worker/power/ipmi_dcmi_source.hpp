#pragma once
// The node's power from its BMC's DCMI Get Power Reading (FreeIPMI's libfreeipmi, one
// session kept open), integrated over time with the trapezoid rule. A BMC whose
// timestamp stops moving is stale: its power is held and the intervals are flagged.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "joulesweep/worker/power/ipmi_target.hpp"
#include "joulesweep/worker/power/power_integrator.hpp"
#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

// One DCMI power reading as the BMC reports it.
struct DcmiPowerReading {
    double current_w = 0.0;
    double average_w = 0.0;
    std::uint32_t timestamp = 0;  // the BMC's clock, seconds
    std::uint32_t period_ms = 0;  // the statistics reporting period
    bool active = false;          // power measurement active
};

class IpmiDcmiSource final : public PowerSource {
public:
    // Opens the session and takes a first reading. Throws PowerError when the BMC cannot
    // be reached or does not answer DCMI Get Power Reading.
    explicit IpmiDcmiSource(IpmiTarget target);
    ~IpmiDcmiSource() override;
    IpmiDcmiSource(const IpmiDcmiSource&) = delete;
    IpmiDcmiSource& operator=(const IpmiDcmiSource&) = delete;
    IpmiDcmiSource(IpmiDcmiSource&&) = delete;
    IpmiDcmiSource& operator=(IpmiDcmiSource&&) = delete;

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kIpmiDcmi; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;
    double shortest_useful_period_s() const override;

    // One reading now; throws PowerError on failure.
    DcmiPowerReading reading();

private:
    struct Session;

    IpmiTarget target_;
    std::unique_ptr<Session> session_;
    PowerIntegrator integrator_;
    DcmiPowerReading last_;
    DomainEnergy total_;
    double timestamp_moved_at_s_ = 0.0;
};

}  // namespace joulesweep::worker::power
