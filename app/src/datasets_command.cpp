// `joulesweep datasets list|prepare|import`: BUTTER's 13 datasets as the catalog describes
// them, their preparation into ready-to-train HDF5 files, and users' own CSV files.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "joulesweep/app/command.hpp"
#include "joulesweep/app/database_access.hpp"
#include "joulesweep/app/datasets_directory.hpp"
#include "joulesweep/app/text_table.hpp"
#include "joulesweep/common/dataset_catalog.hpp"
#include "joulesweep/common/error.hpp"
#include "joulesweep/coordinator/reports/queue_report.hpp"
#include "joulesweep/worker/datasets/csv_table.hpp"
#include "joulesweep/worker/datasets/dataset_file.hpp"
#include "joulesweep/worker/datasets/dataset_sources.hpp"
#include "joulesweep/worker/datasets/file_digest.hpp"
#include "joulesweep/worker/datasets/import_manifest.hpp"
#include "joulesweep/worker/datasets/imported_dataset.hpp"

namespace joulesweep::app {
namespace po = boost::program_options;

namespace {

constexpr const char* kDatasetsUsage = R"usage(Usage: joulesweep datasets list [options]
       joulesweep datasets prepare [--only NAME,...] [options]
       joulesweep datasets import FILE --target COLUMN [--task TASK] [--name NAME] [options]

BUTTER's 13 datasets and your own. `list` prints what the catalog says of each (rows,
raw features, the network's input and output widths after preprocessing, task and loss)
and whether it is prepared. `prepare` verifies each source file by SHA-256, applies
BUTTER's column rules (constant columns dropped; two values -> one 0/1 column; at most
20 values or text -> one-hot; otherwise min-max; MNIST pixels / 255), checks the result
against the catalog and writes <datasets-dir>/<name>.h5 (docs/datasets.md has the layout).
The 12 PMLB files ship in data/pmlb; fetch MNIST first with scripts/fetch-mnist.sh.

`import` makes a dataset of a CSV file (a header row, then one row per sample; gzip or
plain; RFC 4180 quoting) that sweeps, `search` and `train` then accept by its name:
every column but the target and the --drop ones is a feature, prepared by BUTTER's rules;
the target becomes classes (two: one sigmoid output and binary cross-entropy; more:
softmax over one-hot classes) or, for --task regression, a number min-max scaled to
[0, 1] (sigmoid output, mean squared error). Without --task, a numeric target with more
than 20 distinct values is a regression, anything else classes. Missing, empty, NaN or
infinite cells are refused, not guessed. It writes <datasets-dir>/<name>.h5 and the
manifest <name>.import.json that enqueuers and workers read: on a cluster, import into
the datasets directory every node sees.

)usage";

std::filesystem::path prepared_path(const std::filesystem::path& directory, std::string_view name) {
    return directory / fmt::format("{}.h5", name);
}

std::vector<std::string> catalog_row(const common::DatasetInfo& info,
                                     const std::filesystem::path& datasets_dir,
                                     std::string source) {
    return {std::string(info.name),
            std::to_string(info.rows),
            std::to_string(info.raw_features),
            std::to_string(info.input_width),
            std::to_string(info.output_width),
            std::string(common::to_text(info.task)),
            std::string(worker::loss_name(info.task)),
            std::filesystem::exists(prepared_path(datasets_dir, info.name)) ? "yes" : "no",
            std::move(source)};
}

int list_datasets(const std::filesystem::path& datasets_dir) {
    coordinator::ReportTable table;
    table.title = fmt::format("Datasets (prepared files in {})", datasets_dir.string());
    table.columns = {"dataset",
                     "rows",
                     "raw features",
                     "inputs",
                     "outputs",
                     "task",
                     "loss",
                     "prepared",
                     "source"};
    table.numeric = {false, true, true, true, true, false, false, false, false};
    for (const common::DatasetInfo& info : common::dataset_catalog()) {
        table.rows.push_back(
            catalog_row(info, datasets_dir, info.core ? "BUTTER (core)" : "BUTTER"));
    }
    for (const worker::ImportManifest& manifest : worker::load_imported_datasets(datasets_dir)) {
        table.rows.push_back(catalog_row(
            manifest.facts_of(),
            datasets_dir,
            fmt::format(
                "imported {} from {}", manifest.imported_at.substr(0, 10), manifest.source)));
    }
    std::cout << format_table(table);
    return 0;
}

struct ImportFlags {
    std::string file;
    std::string target;
    std::string task;
    std::string name;
    std::string drop;
    std::string delimiter;
    bool replace = false;
};

// "data.csv.gz" -> "data".
std::string name_from_file(const std::filesystem::path& file) {
    std::filesystem::path stem = file.filename();
    if (stem.extension() == ".gz") {
        stem = stem.stem();
    }
    return stem.stem().string();
}

char delimiter_of(const ImportFlags& flags) {
    if (flags.delimiter.empty()) {
        const std::string file = flags.file;
        return file.ends_with(".tsv") || file.ends_with(".tsv.gz") ? '\t' : ',';
    }
    if (flags.delimiter == "tab" || flags.delimiter == "\\t") {
        return '\t';
    }
    if (flags.delimiter.size() != 1 || flags.delimiter == "\"") {
        throw common::ConfigError(
            fmt::format("datasets import: --delimiter must be one character or 'tab', got '{}'",
                        flags.delimiter));
    }
    return flags.delimiter.front();
}

std::string utc_now() {
    return fmt::format(
        "{:%Y-%m-%dT%H:%M:%SZ}",
        fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// "3 min_max, 2 one_hot, 1 drop": how the features were prepared.
std::string rules_summary(const worker::PreparedDataset& dataset) {
    std::vector<std::string> parts;
    for (const auto& [rule, rule_name] : worker::kColumnRuleNames.entries()) {
        const auto count =
            std::ranges::count(dataset.input_transforms, rule, &worker::ColumnTransform::rule);
        if (count > 0) {
            parts.push_back(fmt::format("{} {}", count, rule_name));
        }
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

int import_dataset(const ImportFlags& flags, const std::filesystem::path& datasets_dir) {
    if (flags.file.empty() || flags.target.empty()) {
        throw common::ConfigError(
            "datasets import: give the FILE and --target COLUMN (see joulesweep datasets --help)");
    }
    std::optional<worker::TargetKind> kind;
    if (!flags.task.empty()) {
        try {
            kind = worker::kTargetKindNames.parse(flags.task);
        } catch (const common::ConfigError& error) {
            throw common::ConfigError(fmt::format("datasets import: --task: {}", error.what()));
        }
    }
    const auto started = std::chrono::steady_clock::now();
    worker::CsvLayout layout;
    layout.target_column = flags.target;
    if (!flags.drop.empty()) {
        for (const std::string_view column : split_commas(flags.drop)) {
            layout.dropped.emplace_back(column);
        }
    }
    layout.delimiter = delimiter_of(flags);
    const std::string name = flags.name.empty() ? name_from_file(flags.file) : flags.name;
    worker::PreparedDataset dataset;
    try {
        worker::check_imported_name(name);
        dataset = worker::prepare_imported(name, worker::read_csv_table(flags.file, layout), kind);
    } catch (const common::ConfigError& error) {
        throw common::ConfigError(fmt::format("datasets import: {}", error.what()));
    }
    const std::filesystem::path manifest_path = worker::import_manifest_path(datasets_dir, name);
    if (std::filesystem::exists(manifest_path) && !flags.replace) {
        const worker::ImportManifest earlier = worker::read_import_manifest(manifest_path);
        throw common::ConfigError(fmt::format(
            "datasets import: '{}' was imported from {} at {}; queued runs are sized from it. "
            "Choose another --name, or --replace it",
            name,
            earlier.source,
            earlier.imported_at));
    }
    dataset.source_sha256 = worker::sha256_of_file(flags.file);
    std::filesystem::create_directories(datasets_dir);
    worker::write_dataset_file(prepared_path(datasets_dir, name), dataset, software_name());
    worker::ImportManifest manifest;
    manifest.name = name;
    manifest.facts = worker::catalog_entry(dataset);
    manifest.source = std::filesystem::absolute(flags.file).lexically_normal().string();
    manifest.source_sha256 = dataset.source_sha256;
    manifest.target_column = flags.target;
    manifest.dropped = layout.dropped;
    manifest.imported_at = utc_now();
    manifest.imported_by = software_name();
    worker::write_import_manifest(manifest_path, manifest);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    std::cout << fmt::format(
        "imported {}: {} rows, {} features -> {} inputs ({}), target '{}' -> {} output{} "
        "({}{}, {}) in {:.1f} s\n"
        "wrote {} and {}\n"
        "next: joulesweep search --dataset {} --target LOSS --dry-run, or name it in a sweep\n",
        name,
        dataset.rows,
        dataset.raw_features,
        dataset.input_width,
        rules_summary(dataset),
        flags.target,
        dataset.output_width,
        dataset.output_width == 1 ? "" : "s",
        common::to_text(dataset.task),
        kind ? "" : ", inferred",
        worker::loss_name(dataset.task),
        elapsed.count(),
        prepared_path(datasets_dir, name).string(),
        manifest_path.string(),
        name);
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
    ImportFlags import;
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
        po::value<std::filesystem::path>(&sources.mnist_dir)->value_name("DIR"),
        "prepare: MNIST's four IDX files (scripts/fetch-mnist.sh DIR puts them there). "
        "Default: <source>/mnist")("only",
                                   po::value<std::string>(&only)->value_name("NAME,..."),
                                   "prepare: only these datasets")(
        "target",
        po::value<std::string>(&import.target)->value_name("COLUMN"),
        "import: the column to predict")(
        "task",
        po::value<std::string>(&import.task)->value_name("TASK"),
        "import: classification or regression. Default: inferred (above)")(
        "name",
        po::value<std::string>(&import.name)->value_name("NAME"),
        "import: the dataset's name. Default: the file's name without .csv/.gz")(
        "drop",
        po::value<std::string>(&import.drop)->value_name("COLUMN,..."),
        "import: columns to leave out (identifiers, leaks of the target)")(
        "delimiter",
        po::value<std::string>(&import.delimiter)->value_name("CHAR"),
        "import: the cell separator, one character or 'tab'. Default: tab for .tsv, else ','")(
        "replace",
        po::bool_switch(&import.replace),
        "import: overwrite a dataset imported under the same name");
    options.hidden.add_options()("action", po::value<std::string>(&action))(
        "file", po::value<std::string>(&import.file));
    options.positional.add("action", 1).add("file", 1);
    if (!parse_command_options(arguments, options, context)) {
        return 0;
    }
    if (context.variables.count("mnist-dir") == 0) {
        sources.mnist_dir = sources.source_dir / "mnist";  // follows --source
    }
    const std::filesystem::path directory = datasets_directory(datasets_dir, context.globals);
    if (action == "list") {
        return list_datasets(directory);
    }
    if (action == "prepare") {
        return prepare_datasets(selected_datasets(only), sources, directory);
    }
    if (action == "import") {
        return import_dataset(import, directory);
    }
    throw common::ConfigError(
        action.empty()
            ? std::string("datasets: missing ACTION (list, prepare or import; see joulesweep "
                          "datasets --help)")
            : fmt::format("datasets: unknown action '{}' (expected list, prepare or import)",
                          action));
}

}  // namespace joulesweep::app
