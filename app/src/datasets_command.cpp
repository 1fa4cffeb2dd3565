// `joulesweep datasets list|prepare`: BUTTER's 13 datasets as the catalog describes them,
// and their preparation into ready-to-train HDF5 files.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/datasets/dataset_sources.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kDatasetsUsage = R"usage(Usage: joulesweep datasets list [options]
       joulesweep datasets prepare [--only NAME,...] [options]

BUTTER's 13 datasets. `list` prints what the catalog says of each (rows, raw features,
the network's input and output widths after preprocessing, task and loss) and whether
it is prepared. `prepare` verifies each source file by SHA-256, applies BUTTER's column
rules (constant columns dropped; two values -> one 0/1 column; at most 20 values or text
-> one-hot; otherwise min-max; MNIST pixels / 255), checks the result against the
catalog and writes <datasets-dir>/<name>.h5 (docs/datasets.md has the layout).
The 12 PMLB files ship in data/pmlb; fetch MNIST first with scripts/fetch-mnist.sh.

)usage";

std::filesystem::path prepared_path(const std::filesystem::path& directory, std::string_view name) {
    return directory / fmt::format("{}.h5", name);
}

int list_datasets(const std::filesystem::path& datasets_dir) {
    coordinator::ReportTable table;
    table.title = fmt::format("BUTTER's datasets (prepared files in {})", datasets_dir.string());
    table.columns = {
        "dataset", "rows", "raw features", "inputs", "outputs", "task", "loss", "prepared"};
    table.numeric = {false, true, true, true, true, false, false, false};
    for (const common::DatasetInfo& info : common::dataset_catalog()) {
        table.rows.push_back(
            {std::string(info.name),
             std::to_string(info.rows),
             std::to_string(info.raw_features),
             std::to_string(info.input_width),
             std::to_string(info.output_width),
             std::string(common::to_text(info.task)),
             std::string(worker::loss_name(info.task)),
             std::filesystem::exists(prepared_path(datasets_dir, info.name)) ? "yes" : "no"});
    }
    std::cout << format_table(table);
    return 0;
}

std::vector<common::DatasetInfo> selected_datasets(const std::string& only) {
    if (only.empty()) {
        return {common::dataset_catalog().begin(), common::dataset_catalog().end()};
    }
    std::vector<common::DatasetInfo> selected;
    for (const std::string_view name : split_commas(only)) {
        const auto info = common::find_dataset(name);
        if (!info) {
            throw common::ConfigError(
                fmt::format("datasets: --only names '{}', which is not one of BUTTER's datasets "
                            "(joulesweep datasets list)",
                            name));
        }
        selected.push_back(*info);
    }
    return selected;
}

int prepare_datasets(const std::vector<common::DatasetInfo>& datasets,
                     const worker::DatasetSources& sources,
                     const std::filesystem::path& datasets_dir) {
    std::filesystem::create_directories(datasets_dir);
    int failed = 0;
    for (const common::DatasetInfo& info : datasets) {
        const auto started = std::chrono::steady_clock::now();
        try {
            const worker::PreparedDataset dataset = worker::prepare_verified(info, sources);
            worker::write_dataset_file(
                prepared_path(datasets_dir, info.name), dataset, software_name());
            const std::chrono::duration<double> elapsed =
                std::chrono::steady_clock::now() - started;
            std::cout << fmt::format(
                "prepared {:<20} {:>6} rows  {:>3} inputs  {:>2} outputs  {} ({}) in {:.1f} s\n",
                info.name,
                dataset.rows,
                dataset.input_width,
                dataset.output_width,
                common::to_text(dataset.task),
                worker::loss_name(dataset.task),
                elapsed.count());
        } catch (const common::Error& error) {
            ++failed;
            std::cout << fmt::format("FAILED   {:<20} {}\n", info.name, error.what());
        }
    }
    if (failed > 0) {
        throw common::ConfigError(fmt::format(
            "datasets prepare: {} of {} datasets failed (above)", failed, datasets.size()));
    }
    std::cout << fmt::format("{} datasets ready in {}\n", datasets.size(), datasets_dir.string());
    return 0;
}

}  // namespace

int run_datasets_command(const std::vector<std::string>& arguments, CommandContext& context) {
    std::string action;
    std::string only;
    std::string datasets_dir;
    worker::DatasetSources sources;
    CommandOptions options{kDatasetsUsage, help_section("Options for datasets"), {}, {}};
    options.visible.add_options()("help,h", "show this help")(
        "datasets-dir",
        po::value<std::string>(&datasets_dir)->value_name("DIR"),
        "where prepared datasets are written and read. Default: <data-dir>/datasets")(
        "source",
        po::value<std::filesystem::path>(&sources.source_dir)
            ->value_name("DIR")
            ->default_value(sources.source_dir),
        "prepare: the directory holding pmlb/ (the repository's data/)")(
        "mnist-dir",
        po::value<std::filesystem::path>(&sources.mnist_dir)
            ->value_name("DIR")
            ->default_value(sources.mnist_dir),
        "prepare: MNIST's four IDX files (scripts/fetch-mnist.sh DIR puts them there)")(
        "only",
        po::value<std::string>(&only)->value_name("NAME,..."),
        "prepare: only these datasets");
    options.hidden.add_options()("action", po::value<std::string>(&action));
    options.positional.add("action", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    const std::filesystem::path directory =
        datasets_dir.empty() ? std::filesystem::path(context.globals.data_dir) / "datasets"
                             : std::filesystem::path(datasets_dir);
    if (action == "list") {
        return list_datasets(directory);
    }
    if (action == "prepare") {
        return prepare_datasets(selected_datasets(only), sources, directory);
    }
    throw common::ConfigError(
        action.empty()
            ? std::string(
                  "datasets: missing ACTION (list or prepare; see joulesweep datasets --help)")
            : fmt::format("datasets: unknown action '{}' (expected list or prepare)", action));
}

}  // namespace joulesweep::app
