#include "joulesweep/worker/datasets/dataset_sources.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "joulesweep/common/error.hpp"
#include "joulesweep/worker/datasets/file_digest.hpp"
#include "joulesweep/worker/datasets/raw_table.hpp"

namespace joulesweep::worker {
namespace {

// SHA-256 of MNIST's original IDX files (the ones whose MD5 sums yann.lecun.com published).
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kMnistSums{{
    {"train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
    {"train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
    {"t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
    {"t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
}};

void require_sum(const std::filesystem::path& file, std::string_view expected) {
    const std::string actual = sha256_of_file(file);
    if (actual != expected) {
        throw common::ConfigError(
            fmt::format("{}: SHA-256 {} differs from the expected {}: not the file BUTTER used",
                        file.string(),
                        actual,
                        expected));
    }
}

// The expected sum of `relative` ("./adult/adult.tsv.gz") in a sha256sum-format list.
std::string listed_sum(const std::filesystem::path& list, const std::string& relative) {
    std::ifstream in(list);
    if (!in) {
        throw common::StorageError(fmt::format("cannot read the checksum list {}", list.string()));
    }
    std::string line;
    while (std::getline(in, line)) {
        const auto separator = line.find("  ");
        if (separator != std::string::npos && line.substr(separator + 2) == relative) {
            return line.substr(0, separator);
        }
    }
    throw common::ConfigError(fmt::format("{} lists no sum for {}", list.string(), relative));
}

}  // namespace

PreparedDataset prepare_verified(const common::DatasetInfo& info, const DatasetSources& sources) {
    PreparedDataset dataset;
    if (info.name == "mnist") {
        std::string sums;
        for (const auto& [file, sum] : kMnistSums) {
            require_sum(sources.mnist_dir / file, sum);
            sums += sums.empty() ? std::string(sum) : fmt::format(",{}", sum);
        }
        dataset = prepare_mnist_idx(sources.mnist_dir);
        dataset.source_sha256 = sums;
    } else {
        const std::string relative = fmt::format("./{0}/{0}.tsv.gz", info.name);
        const std::filesystem::path pmlb = sources.source_dir / "pmlb";
        const std::filesystem::path file = pmlb / info.name / fmt::format("{}.tsv.gz", info.name);
        const std::string expected = listed_sum(pmlb / "SHA256SUMS", relative);
        require_sum(file, expected);
        dataset = prepare_table(info, read_pmlb_tsv(file));
        dataset.source_sha256 = expected;
    }
    check_against_catalog(dataset, info);
    return dataset;
}

}  // namespace joulesweep::worker
