#pragma once
// The options that say where a node's power comes from, shared by `energy probe` and
// `run`: the BMC to ask over IPMI (host, user, a password file, privilege, sensor), the
// estimate's model and where sysfs, the MSR devices and procfs are. A password is only ever read
// from a file of mode 0600.

#include <string>

#include <boost/program_options.hpp>

#include "joulesweep/worker/power/power_ladder.hpp"

namespace joulesweep::app {

struct PowerSourceOptionValues {
    std::string ipmi_host;
    std::string ipmi_user;
    std::string ipmi_password_file;
    std::string ipmi_privilege = "user";
    std::string ipmi_sensor;
    std::string ipmi_device = "/dev/ipmi0";
    std::string ipmi_sdr_cache;
    double estimate_core_w = 10.0;
    // Where the node's kernel interfaces are: tests and diagnostics point them at fakes.
    std::string sysfs_root = "/sys";
    std::string dev_cpu_root = "/dev/cpu";
    std::string proc_root = "/proc";
};

void add_power_source_options(boost::program_options::options_description& description,
                              PowerSourceOptionValues& values);

// Checks the values and reads the password file into `options`. Throws ConfigError
// naming the option that is wrong.
void apply_power_source_options(const PowerSourceOptionValues& values,
                                worker::power::PowerOptions& options);

}  // namespace joulesweep::app
