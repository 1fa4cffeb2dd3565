#pragma once
// The node's power from a power sensor in its BMC's SDR, for BMCs without DCMI
// (FreeIPMI's libipmimonitoring, which converts the raw reading with the SDR's
// formula), integrated over time with the trapezoid rule. The sensor is the one named
// in the target, or the first one whose unit is watts.

#include <memory>
#include <string>
#include <vector>

#include "joulesweep/worker/power/ipmi_target.hpp"
#include "joulesweep/worker/power/power_integrator.hpp"
#include "joulesweep/worker/power/power_source.hpp"

namespace joulesweep::worker::power {

class IpmiSensorSource final : public PowerSource {
public:
    // Reads the SDR and picks the sensor. Throws PowerError when the BMC cannot be
    // reached or has no such sensor (the message lists the power sensors it has).
    explicit IpmiSensorSource(IpmiTarget target);
    ~IpmiSensorSource() override;
    IpmiSensorSource(const IpmiSensorSource&) = delete;
    IpmiSensorSource& operator=(const IpmiSensorSource&) = delete;
    IpmiSensorSource(IpmiSensorSource&&) = delete;
    IpmiSensorSource& operator=(IpmiSensorSource&&) = delete;

    PowerSourceKind kind() const noexcept override { return PowerSourceKind::kIpmiSensor; }

    std::string description() const override;
    std::vector<DomainEnergy> read() override;

    double shortest_useful_period_s() const override { return 1.0; }

    // The sensor's value now, in watts; throws PowerError on failure.
    double watts();

private:
    struct Session;

    IpmiTarget target_;
    std::unique_ptr<Session> session_;
    std::string sensor_name_;
    unsigned int record_id_ = 0;
    PowerIntegrator integrator_;
    DomainEnergy total_;
};

}  // namespace joulesweep::worker::power
