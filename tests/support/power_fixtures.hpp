#pragma once
// Settings for the energy tests that point a meter or the ladder at a FakeSysfs node: a
// quiet /proc/stat and an Intel /proc/cpuinfo, written here.

#include "joulesweep/worker/power/ipmi_target.hpp"
#include "joulesweep/worker/power/node_meter.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"

#include "fake_sysfs.hpp"

namespace joulesweep::testing {

// A meter's settings reading `files`' /proc/stat.
worker::power::MeterSettings test_meter_settings(const FakeSysfs& files,
                                                 double period_s,
                                                 double idle_baseline_s);

// Every root of the ladder in `files` (sysfs as it stands, no MSR devices), and `ipmi`.
worker::power::PowerOptions fake_node_options(const FakeSysfs& files,
                                              const worker::power::IpmiTarget& ipmi);

}  // namespace joulesweep::testing
