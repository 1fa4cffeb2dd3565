#include "power_fixtures.hpp"

namespace joulesweep::testing {
namespace {

void write_quiet_stat(const FakeSysfs& files) {
    files.write_proc("stat", "cpu  100 0 50 9000 300 0 10 0 0 0\n");
}

}  // namespace

worker::power::MeterSettings test_meter_settings(const FakeSysfs& files,
                                                 double period_s,
                                                 double idle_baseline_s) {
    write_quiet_stat(files);
    worker::power::MeterSettings settings;
    settings.period_s = period_s;
    settings.idle_baseline_s = idle_baseline_s;
    settings.proc_stat = files.proc() / "stat";
    return settings;
}

worker::power::PowerOptions fake_node_options(const FakeSysfs& files,
                                              const worker::power::IpmiTarget& ipmi) {
    write_quiet_stat(files);
    files.write_proc("cpuinfo", "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n");
    worker::power::PowerOptions options;
    options.sysfs_root = files.sys();
    options.dev_cpu_root = files.sys().parent_path() / "dev-cpu";
    options.proc_root = files.proc();
    options.ipmi = ipmi;
    return options;
}

}  // namespace joulesweep::testing
