// `joulesweep energy probe`: which energy sources this node has, which one joulesweep
// would use, and why each better one was not used. The first thing to run on a new
// cluster, as the user who will run the jobs.
#include <array>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/power_source_options.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"
#include "joulesweep/worker/power/power_ladder.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;
namespace power = worker::power;

namespace {

constexpr const char* kEnergyUsage = R"usage(Usage: joulesweep energy probe [options]

Lists the energy sources of this node, best first, says which one joulesweep would use
and why each better one was not used:

  perf         the kernel's perf power PMU (RAPL, accumulated, unit quirks applied);
               needs perf_event_paranoid <= 0 or CAP_PERFMON
  rapl_sysfs   RAPL through /sys/class/powercap; energy_uj is root-only since Linux 5.10
  rapl_msr     RAPL through /dev/cpu/N/msr; needs the msr module, root and CAP_SYS_RAWIO
  ipmi_dcmi    the BMC's DCMI power reading: the whole node, about once a second
  ipmi_sensor  a power sensor (watts) from the BMC's SDR, for BMCs without DCMI
  estimate     busy CPU time x a fixed power per busy core: a model, not a measurement

Run it as the user and on the kind of node that will run the jobs: permissions decide
most of the answer. When a RAPL source is used and a BMC answers too, the BMC is marked
"<- rest of node": a job reads it beside RAPL and stores the difference. --sample reads
the chosen source twice and prints joules and mean watts per domain. The BMC is this node's own (in-band, --ipmi-device, root only) unless
--ipmi-host names one on the network. The roots are options so that a copy of another
node's files can be examined here.

)usage";

std::string hostname() {
    std::array<char, 256> name{};
    return gethostname(name.data(), name.size() - 1) == 0 ? std::string(name.data())
                                                          : std::string("this node");
}

coordinator::ReportTable candidates_table(const power::PowerProbe& probe) {
    coordinator::ReportTable table;
    table.title = fmt::format("Energy sources on {}, best first", hostname());
    table.columns = {"source", "available", "used", "what it measures, or why not"};
    table.numeric = {false, false, false, false};
    const power::PowerSource* chosen = probe.chosen.get();
    for (const power::PowerSourceCandidate& candidate : probe.candidates) {
        const bool used = chosen != nullptr && chosen->kind() == candidate.kind;
        const bool wall = probe.wall && probe.wall->kind() == candidate.kind;
        table.rows.push_back({std::string(power::to_text(candidate.kind)),
                              candidate.available ? "yes" : "no",
                              used ? "<- used" : (wall ? "<- rest of node" : ""),
                              candidate.detail});
    }
    return table;
}

void print_sample(power::PowerSource& source, double seconds) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<power::DomainEnergy> before = source.read();
    std::cout << fmt::format(
                     "\nSampling {} for {:g} s ...\n", power::to_text(source.kind()), seconds)
              << std::flush;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const std::vector<power::DomainEnergy> after = source.read();
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    coordinator::ReportTable table;
    table.title = fmt::format("{} over {:.2f} s", power::to_text(source.kind()), elapsed_s);
    table.columns = {"domain", "joules", "mean watts", "wraps", "unknown intervals", "note"};
    table.numeric = {false, true, true, true, true, false};
    for (std::size_t index = 0; index < after.size() && index < before.size(); ++index) {
        const double joules = after[index].energy_j - before[index].energy_j;
        table.rows.push_back({after[index].domain,
                              fmt::format("{:.3f}", joules),
                              fmt::format("{:.2f}", joules / elapsed_s),
                              std::to_string(after[index].wraps),
                              std::to_string(after[index].unknown_intervals),
                              after[index].note});
    }
    std::cout << '\n' << format_table(table);
}

}  // namespace

int run_energy_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string action;
    power::PowerOptions power_options;
    double sample_s = 0.0;
    CommandOptions options{kEnergyUsage, help_section("Options for energy probe"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "sample",
        po::value<double>(&sample_s)->value_name("SECONDS"),
        "read the chosen source twice, this far apart, and print joules per domain");
    PowerSourceOptionValues source_values;
    add_power_source_options(options.visible, source_values);
    options.hidden.add_options()("action", po::value<std::string>(&action));
    options.positional.add("action", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (action != "probe") {
        throw common::ConfigError(
            action.empty()
                ? std::string("energy: missing ACTION (probe; see joulesweep energy --help)")
                : fmt::format("energy: unknown action '{}' (expected probe)", action));
    }
    try {
        apply_power_source_options(source_values, power_options);
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("energy probe: {}", error.what()));
    }
    constexpr double kLongestSampleSeconds = 3600.0;
    if (sample_s < 0.0 || sample_s > kLongestSampleSeconds) {
        throw common::ConfigError(fmt::format(
            "energy probe: --sample must be between 0 and 3600 seconds, got {}", sample_s));
    }

    const power::PowerProbe probe = power::probe_power_sources(power_options);
    std::cout << format_table(candidates_table(probe));
    if (probe.under_hypervisor) {
        std::cout << "\nThis node runs under a hypervisor: RAPL counters, where present, may be "
                     "emulated.\n";
    }
    if (!probe.chosen) {
        std::cout << "\nNo source can run here, not even the estimate: energy would be recorded "
                     "as missing.\n";
        return 0;
    }
    std::cout << fmt::format("\nUsed: {}{}\n",
                             power::to_text(probe.chosen->kind()),
                             probe.chosen->kind() == power::PowerSourceKind::kEstimate
                                 ? " (energy figures from this node are a model, labelled as such)"
                                 : "");
    if (probe.wall) {
        std::cout << fmt::format(
            "Beside it: {}, read about once a second; the wall's joules minus {}'s are stored "
            "as the rest of the node\n",
            power::to_text(probe.wall->kind()),
            power::to_text(probe.chosen->kind()));
    }
    if (sample_s > 0.0) {
        print_sample(*probe.chosen, sample_s);
    }
    return 0;
}

}  // namespace joulesweep::app
