#include "joulesweep/app/power_source_options.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <sys/stat.h>

#include "joulesweep/app/cli.hpp"
#include "joulesweep/common/error.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

// The first line of a file only its owner can read.
std::string read_password_file(const std::string& path) {
    struct stat status {};

    if (stat(path.c_str(), &status) != 0) {
        throw common::ConfigError(fmt::format("--ipmi-password-file: cannot read {}", path));
    }
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        throw common::ConfigError(
            fmt::format("--ipmi-password-file: {} can be read by others (mode {:o}); chmod 600 it",
                        path,
                        status.st_mode & 0777U));
    }
    std::ifstream file(path);
    std::string password;
    std::getline(file, password);
    return password;
}

}  // namespace

void add_power_source_options(po::options_description& description,
                              PowerSourceOptionValues& values) {
    description.add_options()(
        "ipmi-host",
        po::value<std::string>(&values.ipmi_host)->value_name("HOST[:PORT]"),
        "ask this BMC over the network (IPMI 2.0, lanplus) instead of the node's own "
        "through --ipmi-device")(
        "ipmi-user", po::value<std::string>(&values.ipmi_user)->value_name("NAME"), "BMC user")(
        "ipmi-password-file",
        po::value<std::string>(&values.ipmi_password_file)->value_name("FILE"),
        "the BMC password, first line of a file of mode 0600 (never on the command line)")(
        "ipmi-privilege",
        po::value<std::string>(&values.ipmi_privilege)
            ->value_name("LEVEL")
            ->default_value(values.ipmi_privilege),
        "user, operator or admin: some BMCs answer DCMI only above user")(
        "ipmi-sensor",
        po::value<std::string>(&values.ipmi_sensor)->value_name("NAME"),
        "the SDR power sensor for BMCs without DCMI. Default: the first one in watts")(
        "ipmi-device",
        po::value<std::string>(&values.ipmi_device)
            ->value_name("PATH")
            ->default_value(values.ipmi_device),
        "the in-band IPMI device (root only; modules ipmi_si and ipmi_devintf)")(
        "ipmi-sdr-cache",
        po::value<std::string>(&values.ipmi_sdr_cache)->value_name("DIR"),
        "where the BMC's SDR is cached. Default: /tmp/joulesweep-sdr-cache-<uid>")(
        "estimate-core-watts",
        po::value<double>(&values.estimate_core_w)
            ->value_name("WATTS")
            ->default_value(values.estimate_core_w, shortest_text(values.estimate_core_w)),
        "the estimate's power per busy core, used only where nothing can be measured")(
        "sysfs-root",
        po::value<std::string>(&values.sysfs_root)
            ->value_name("DIR")
            ->default_value(values.sysfs_root),
        "where sysfs is (class/powercap, bus/event_source, devices/system/cpu)")(
        "dev-cpu-root",
        po::value<std::string>(&values.dev_cpu_root)
            ->value_name("DIR")
            ->default_value(values.dev_cpu_root),
        "where the MSR devices are (<DIR>/<cpu>/msr)")("proc-root",
                                                       po::value<std::string>(&values.proc_root)
                                                           ->value_name("DIR")
                                                           ->default_value(values.proc_root),
                                                       "where procfs is (cpuinfo, stat)");
}

void apply_power_source_options(const PowerSourceOptionValues& values,
                                worker::power::PowerOptions& options) {
    if (!(values.estimate_core_w > 0.0)) {
        throw common::ConfigError(
            fmt::format("--estimate-core-watts must be positive, got {}", values.estimate_core_w));
    }
    options.estimate_busy_core_w = values.estimate_core_w;
    options.sysfs_root = values.sysfs_root;
    options.dev_cpu_root = values.dev_cpu_root;
    options.proc_root = values.proc_root;
    worker::power::IpmiTarget& ipmi = options.ipmi;
    ipmi.host = values.ipmi_host;
    ipmi.user = values.ipmi_user;
    ipmi.privilege = worker::power::parse_ipmi_privilege(values.ipmi_privilege);
    ipmi.sensor = values.ipmi_sensor;
    ipmi.device = values.ipmi_device;
    ipmi.sdr_cache = values.ipmi_sdr_cache;
    if (!values.ipmi_password_file.empty()) {
        ipmi.password = read_password_file(values.ipmi_password_file);
    }
}

}  // namespace joulesweep::app
